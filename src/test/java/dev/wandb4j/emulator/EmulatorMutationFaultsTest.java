package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The faults that apply a mutation and then lose its answer: the mutation takes effect, the answer
 * comes late, never, or as a failure; queries are not touched.
 */
class EmulatorMutationFaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DELETE =
      "mutation DeleteFiles($files: [ID!]!, $projectId: Int) {"
          + " deleteFiles(input: {files: $files, projectId: $projectId}) { success } }";
  private static final String COUNT =
      "query RunFileCount { project(name: \"proj\", entityName: \"acme\") {"
          + " run(name: \"r1\") { fileCount } } }";

  private final HttpClient http = HttpClient.newHttpClient();
  private WandbEmulator emu;
  private EmulatedRun run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/r1");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private HttpResponse<String> post(String query, Map<String, Object> variables)
      throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    String auth =
        Base64.getEncoder()
            .encodeToString(("api:" + emu.apiKey()).getBytes(StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/graphql"))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> delete(EmulatedFile f) throws IOException, InterruptedException {
    return post(DELETE, Map.of("files", List.of(f.id()), "projectId", run.projectId()));
  }

  @Test
  void applyThenFailDeletesTheFileAndAnswersTheStatus() throws Exception {
    EmulatedFile a = run.addFile("a.txt", new byte[] {1});
    emu.faults().applyThenFail(1, 503);

    assertThat(post(COUNT, Map.of()).body()).contains("\"fileCount\":1");
    HttpResponse<String> res = delete(a);

    assertThat(res.statusCode()).isEqualTo(503);
    assertThat(run.fileCount()).isZero();
  }

  @Test
  void applyThenDropConnectionDeletesTheFileAndClosesWithoutAnAnswer() {
    EmulatedFile a = run.addFile("a.txt", new byte[] {1});
    emu.faults().applyThenDropConnection(1);

    assertThatThrownBy(() -> delete(a)).isInstanceOf(IOException.class);
    assertThat(run.fileCount()).isZero();
    assertThat(emu.requests()).extracting(RecordedRequest::operationName).contains("DeleteFiles");
  }

  @Test
  void applyThenAnswerLateDeletesTheFileAndStillAnswers() throws Exception {
    EmulatedFile a = run.addFile("a.txt", new byte[] {1});
    EmulatedFile b = run.addFile("b.txt", new byte[] {2});
    emu.faults().applyThenAnswerLate(1, Duration.ofMillis(200));

    HttpResponse<String> late = delete(a);
    HttpResponse<String> next = delete(b);

    assertThat(late.statusCode()).isEqualTo(200);
    assertThat(late.body()).contains("\"success\":true");
    assertThat(next.body()).contains("\"success\":true");
    assertThat(run.fileCount()).isZero();
  }

  @Test
  void queriesLeaveTheFaultForTheNextMutationAndClearForgetsIt() throws Exception {
    EmulatedFile a = run.addFile("a.txt", new byte[] {1});
    EmulatedFile b = run.addFile("b.txt", new byte[] {2});
    emu.faults().applyThenFail(1, 500);

    assertThat(post(COUNT, Map.of()).statusCode()).isEqualTo(200);
    assertThat(delete(a).statusCode()).isEqualTo(500);

    emu.faults().applyThenFail(1, 500).clear();
    assertThat(delete(b).statusCode()).isEqualTo(200);
    assertThat(run.fileCount()).isZero();
  }
}
