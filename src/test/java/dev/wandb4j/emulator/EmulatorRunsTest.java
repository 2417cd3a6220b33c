package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** W&amp;B's Runs operation as the emulator serves it: filters, order, positions, counts. */
class EmulatorRunsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String RUNS =
      "query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50,"
          + " $order: String, $filters: JSONString) { project(name: $project, entityName: $entity)"
          + " { runCount(filters: $filters) runs(filters: $filters, after: $cursor, first:"
          + " $perPage, order: $order) { edges { node { name state displayName tags createdAt }"
          + " cursor } pageInfo { endCursor hasNextPage } } } }";
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private WandbEmulator emu;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    String[] states = {"finished", "crashed", "running", "finished", "failed"};
    for (int i = 0; i < 5; i++) {
      emu.run("acme/p/r" + i)
          .createdAt(T0.plusSeconds(60L * i))
          .state(states[i])
          .displayName(i < 2 ? "sweep-" + i : "manual-" + i)
          .tags(i == 0 ? new String[] {"best"} : new String[0])
          .group(i % 2 == 0 ? "even" : null, null);
    }
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private JsonNode runs(String filters, String order, Integer perPage, String cursor)
      throws Exception {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("project", "p");
    vars.put("entity", "acme");
    vars.put("filters", filters);
    vars.put("order", order);
    vars.put("perPage", perPage);
    vars.put("cursor", cursor);
    String body = JSON.writeValueAsString(Map.of("query", RUNS, "variables", vars));
    String auth =
        Base64.getEncoder()
            .encodeToString(("api:" + emu.apiKey()).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/graphql"))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static List<String> names(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer
        .path("data")
        .path("project")
        .path("runs")
        .path("edges")
        .forEach(e -> out.add(e.path("node").path("name").asText()));
    return out;
  }

  @Test
  void filtersCombineWithAndOrNorInAndComparisonsAndCountsTakeThem() throws Exception {
    String f =
        "{\"$and\": [{\"$or\": [{\"state\": \"finished\"}, {\"state\": {\"$in\": [\"crashed\"]}}]},"
            + " {\"createdAt\": {\"$gt\": \"2025-01-01T00:00:30\", \"$lt\": \"2025-01-01T00:10:00\"}},"
            + " {\"$nor\": [{\"display_name\": {\"$regex\": \"^manual-4\"}}]}]}";
    JsonNode answer = runs(f, "+created_at", null, null);
    assertThat(names(answer)).containsExactly("r1", "r3");
    assertThat(answer.path("data").path("project").path("runCount").asInt()).isEqualTo(2);
    assertThat(names(runs("{\"tags\": \"best\"}", null, null, null))).containsExactly("r0");
    assertThat(names(runs("{\"group\": {\"$exists\": false}}", "+created_at", null, null)))
        .containsExactly("r1", "r3");
  }

  @Test
  void orderIsByCreationNewestFirstUnlessAskedOtherwise() throws Exception {
    assertThat(names(runs(null, null, null, null))).containsExactly("r4", "r3", "r2", "r1", "r0");
    assertThat(names(runs(null, "+created_at", null, null)))
        .containsExactly("r0", "r1", "r2", "r3", "r4");
  }

  @Test
  void cursorsArePositionsSoANewerRunShiftsLaterPages() throws Exception {
    JsonNode first = runs(null, "-created_at", 2, null);
    assertThat(names(first)).containsExactly("r4", "r3");
    String cursor =
        first.path("data").path("project").path("runs").path("pageInfo").path("endCursor").asText();
    emu.run("acme/p/r5").createdAt(T0.plusSeconds(3600));
    assertThat(names(runs(null, "-created_at", 2, cursor))).containsExactly("r3", "r2");
  }

  @Test
  void aFilterThatIsNotJsonIsAnError() throws Exception {
    JsonNode answer = runs("{not json", null, null, null);
    assertThat(answer.path("errors").get(0).path("message").asText()).contains("filters");
  }

  @Test
  void everyRunFolderOfAServedDirectoryIsARunEvenOneAddedLater(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("acme/p/a1"));
    Files.writeString(dir.resolve("acme/p/a1/x.txt"), "x");
    emu.serveDirectory(dir);
    Files.createDirectories(dir.resolve("acme/p/a2"));
    Files.writeString(dir.resolve("acme/p/a2/y.txt"), "y");
    assertThat(names(runs(null, null, null, null))).contains("a1", "a2");
  }
}
