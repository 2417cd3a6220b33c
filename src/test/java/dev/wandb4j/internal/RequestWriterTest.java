package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a GraphQL request body looks like on the wire. */
class RequestWriterTest {
  @Test
  void writesTheDocumentTheVariablesAndTheOperationName() throws Exception {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("entity", "acme");
    vars.put("fileLimit", 50);
    vars.put("projectId", 12_345_678_901L);
    vars.put("upload", false);
    vars.put("fileCursor", null);
    vars.put("fileNames", List.of("a.txt", "dir/b \"quoted\" \u00e9\n.json"));
    vars.put("nested", Map.of("k", true));

    JsonNode body =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(RequestWriter.write(Operation.RUN_FILES, vars));

    assertThat(body.get("query").asText()).isEqualTo(Operation.RUN_FILES.document());
    assertThat(body.get("operationName").asText()).isEqualTo(Operation.RUN_FILES.name());
    JsonNode v = body.get("variables");
    assertThat(v.get("entity").asText()).isEqualTo("acme");
    assertThat(v.get("fileLimit").isIntegralNumber()).isTrue();
    assertThat(v.get("fileLimit").asInt()).isEqualTo(50);
    assertThat(v.get("projectId").asLong()).isEqualTo(12_345_678_901L);
    assertThat(v.get("upload").isBoolean()).isTrue();
    assertThat(v.get("upload").asBoolean()).isFalse();
    assertThat(v.get("fileCursor").isNull()).isTrue();
    assertThat(v.get("fileNames").get(1).asText()).isEqualTo("dir/b \"quoted\" \u00e9\n.json");
    assertThat(v.get("nested").get("k").asBoolean()).isTrue();
    assertThat(v.size()).isEqualTo(7);
  }

  @Test
  void aVariableOfAnotherTypeIsRefusedByName() {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("when", 1.5d);
    assertThat(catchThrowable(() -> RequestWriter.write(Operation.RUN_FILES, vars)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RunFiles")
        .hasMessageContaining("Double");
    vars.put("when", new ArrayList<>(Arrays.asList("ok", new Object())));
    assertThat(catchThrowable(() -> RequestWriter.write(Operation.RUN_FILES, vars)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
