package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wandb4j.File;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import dev.wandb4j.error.WandbNotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A requested name the run does not have is answered as W&amp;B answers it: a File node whose md5
 * is {@code "0"}, every non-null field of the schema filled in, and URLs that answer 404.
 */
class MissingNamesTest {
  /** W&amp;B's SDK's own files query (wandb/apis/public/files.py, v0.28), byte for byte. */
  static final String SDK_RUN_FILES =
      """
      query RunFiles($project: String!, $entity: String!, $name: String!, $fileCursor: String,
          $fileLimit: Int = 50, $fileNames: [String] = [], $upload: Boolean = false, $pattern: String) {
        project(name: $project, entityName: $entity) {
          internalId
          run(name: $name) { fileCount ...RunFilesFragment } } }
      fragment RunFilesFragment on Run {
        files(names: $fileNames, after: $fileCursor, first: $fileLimit, pattern: $pattern) {
          edges { node { id name url(upload: $upload) directUrl sizeBytes mimetype updatedAt md5 } cursor }
          pageInfo { endCursor hasNextPage } } }
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private WandbEmulator emu;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emu.run("acme/proj/r1").addFile("a.txt", "hello".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private String auth() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("api:" + emu.apiKey()).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSdksExactQueryGetsDataForAMissingNameAndItsUrlsAnswer404() throws Exception {
    Map<String, Object> variables = new HashMap<>();
    variables.put("project", "proj");
    variables.put("entity", "acme");
    variables.put("name", "r1");
    variables.put("fileNames", List.of("a.txt", "typo.txt"));
    variables.put("upload", false);
    variables.put("pattern", null);
    variables.put("fileLimit", 50);
    variables.put("fileCursor", null);
    Map<String, Object> body = new HashMap<>();
    body.put("query", SDK_RUN_FILES);
    body.put("variables", variables);
    body.put("operationName", "");
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/graphql"))
                .header("Authorization", auth())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(res.body());
    assertThat(answer.has("errors")).as(res.body()).isFalse();
    JsonNode edges = answer.at("/data/project/run/files/edges");
    assertThat(edges).hasSize(2);
    JsonNode present = edges.get(0).get("node");
    JsonNode missing = edges.get(1).get("node");
    assertThat(present.get("name").asText()).isEqualTo("a.txt");
    assertThat(present.get("md5").asText()).isNotEqualTo("0");
    assertThat(missing.get("name").asText()).isEqualTo("typo.txt");
    assertThat(missing.get("md5").asText()).isEqualTo("0");
    assertThat(missing.get("sizeBytes").asLong()).isZero();
    assertThat(missing.get("id").asText()).isNotEmpty().isNotEqualTo(present.get("id").asText());
    assertThat(missing.get("directUrl").isTextual()).isTrue();

    emu.clearRequests();
    String directUrl = missing.get("directUrl").asText();
    assertThat(directUrl).startsWith(emu.storageUrl()).contains("X-Signature=");
    HttpResponse<String> atStorage =
        http.send(
            HttpRequest.newBuilder(URI.create(directUrl)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(atStorage.statusCode()).isEqualTo(404);
    assertThat(atStorage.body()).contains("NoSuchKey");
    HttpResponse<String> atApi =
        http.send(
            HttpRequest.newBuilder(URI.create(missing.get("url").asText()))
                .header("Authorization", auth())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(atApi.statusCode()).isEqualTo(404);
    assertThat(emu.requests())
        .extracting(RecordedRequest::server, RecordedRequest::method)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("storage", "GET"),
            org.assertj.core.groups.Tuple.tuple("api", "GET"));
  }

  @Test
  void theClientReportsAMissingNameAsNotFoundAndLeavesItOutOfListingsByName() {
    Run run = emu.client().run("acme/proj/r1");

    assertThatThrownBy(() -> run.file("typo.txt").block(Duration.ofSeconds(10)))
        .isInstanceOf(WandbNotFoundException.class)
        .hasMessageContaining("typo.txt");
    List<String> names =
        run.files(FileQuery.builder().names(List.of("typo.txt", "a.txt")).build())
            .map(File::name)
            .collectList()
            .block(Duration.ofSeconds(10));
    assertThat(names).containsExactly("a.txt");
    assertThat(emu.requests())
        .extracting(RecordedRequest::operationName)
        .containsExactly("RunFiles", "RunFiles");
  }
}
