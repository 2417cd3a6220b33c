package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Talks to an emulator the way an SDK does, with the JDK's HTTP client, for tests. */
final class Wire {
  static final ObjectMapper JSON = new ObjectMapper();

  private final WandbEmulator emu;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  Wire(WandbEmulator emu) {
    this.emu = emu;
  }

  String auth() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("api:" + emu.apiKey()).getBytes(StandardCharsets.UTF_8));
  }

  /** Runs a GraphQL document with the emulator's key; the answer must be HTTP 200. */
  JsonNode graphQl(String query, Map<String, Object> variables) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/graphql"))
                .header("Authorization", auth())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return JSON.readTree(res.body());
  }

  /** PUTs bytes to a URL with headers given as name, value, name, value... */
  HttpResponse<String> put(String url, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a {@code file_stream} body for a run. */
  HttpResponse<String> fileStream(String run, Object body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/files/" + run + "/file_stream"))
            .header("Authorization", auth())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GETs a URL's body as bytes. */
  HttpResponse<byte[]> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static final String CREATE_RUN_FILES =
      "mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files:"
          + " [String!]!) { createRunFiles(input: {entityName: $entity, projectName: $project,"
          + " runName: $run, files: $files}) { runID uploadHeaders files { name uploadUrl } } }";

  static final String RUN_UPLOAD_URLS =
      "query RunUploadUrls($name: String!, $files: [String]!, $entity: String, $run: String!,"
          + " $description: String) { model(name: $name, entityName: $entity) { bucket(name:"
          + " $run, desc: $description) { id files(names: $files) { uploadHeaders edges { node {"
          + " name url(upload: true) updatedAt } } } } } }";

  /** Variables of {@link #CREATE_RUN_FILES}. */
  static Map<String, Object> createRunFiles(
      String entity, String project, String run, Object files) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("entity", entity);
    vars.put("project", project);
    vars.put("run", run);
    vars.put("files", files);
    return vars;
  }
}
