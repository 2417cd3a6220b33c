package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.EMU;
import static dev.wandb4j.spring.SharedEmulator.PNG;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Files, pages and download results returned from a controller have one JSON form, whichever
 * Jackson the application runs (2 on Boot 3.5, 3 on Boot 4), and it carries no URL.
 */
class JsonFormTest extends ProxyTestSupport {
  private byte[] get(String uri) {
    return web()
        .get()
        .uri(uri)
        .accept(MediaType.APPLICATION_JSON)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .returnResult()
        .getResponseBody();
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aFileIsItsDataWithoutUrls() {
    byte[] body = get("/runs/acme/proj/r1/info/media/a.png");
    JsonNode file = json(body);
    assertThat(names(file))
        .containsExactly("id", "name", "size", "md5", "mimetype", "updatedAt", "run");
    assertThat(file.get("id").asText()).isEqualTo(PNG.id());
    assertThat(file.get("name").asText()).isEqualTo("media/a.png");
    assertThat(file.get("size").asLong()).isEqualTo(2000);
    assertThat(file.get("md5").asText()).isEqualTo(PNG.md5());
    assertThat(file.get("mimetype").asText()).isEqualTo("image/png");
    assertThat(file.get("updatedAt").asText()).isEqualTo(PNG.updatedAt().toString());
    assertThat(file.get("run").asText()).isEqualTo("acme/proj/r1");
    assertThat(new String(body, StandardCharsets.UTF_8))
        .doesNotContain(EMU.storageUrl())
        .doesNotContain(EMU.baseUrl());
  }

  @Test
  void aPageIsItsFilesAndCursor() {
    JsonNode page = json(get("/runs/acme/proj/r1/pages/first"));
    assertThat(names(page)).containsExactly("files", "endCursor", "hasNextPage");
    assertThat(page.get("files")).hasSize(2);
    assertThat(names(page.get("files").get(0)))
        .containsExactly("id", "name", "size", "md5", "mimetype", "updatedAt", "run");
    assertThat(page.get("endCursor").asText()).isNotEmpty();
    assertThat(page.get("hasNextPage").asBoolean()).isTrue();
  }

  @Test
  void aDownloadResultIsItsStatusPathAndBytes() {
    byte[] body =
        web()
            .post()
            .uri("/runs/acme/proj/r1/downloads/logs/output.txt")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    JsonNode result = json(body);
    assertThat(names(result)).containsExactly("file", "status", "path", "bytes", "error");
    assertThat(result.get("file").get("name").asText()).isEqualTo("logs/output.txt");
    assertThat(result.get("status").asText()).isEqualTo("DOWNLOADED");
    assertThat(result.get("path").asText()).endsWith("logs/output.txt");
    assertThat(result.get("bytes").asLong()).isEqualTo(6);
    assertThat(result.get("error").isNull()).isTrue();
  }
}
