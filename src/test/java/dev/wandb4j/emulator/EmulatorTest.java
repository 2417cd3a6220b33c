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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator's own behaviour, checked on the wire with the JDK's HTTP client. */
class EmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
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

  private String auth() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("api:" + emu.apiKey()).getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode graphQl(String query, Map<String, Object> variables) throws Exception {
    String body = JSON.writeValueAsString(Map.of("query", query, "variables", variables));
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/graphql"))
                .header("Authorization", auth())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    return JSON.readTree(res.body());
  }

  private HttpResponse<byte[]> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void anOperationThatWouldNotValidateAgainstWandbFailsHereToo() throws Exception {
    JsonNode res =
        graphQl(
            "query { project(name: \"proj\", entityName: \"acme\") { run(name: \"r1\") { sizeInBytes } } }",
            Map.of());
    assertThat(res.get("errors")).isNotEmpty();
    assertThat(res.get("errors").get(0).get("message").asText()).contains("sizeInBytes");
  }

  @Test
  void projectsHaveOpaqueInternalIdsAndRunsIntegerProjectIds() throws Exception {
    JsonNode res =
        graphQl(
            "query { project(name: \"proj\", entityName: \"acme\") { internalId run(name: \"r1\") { projectId fileCount } } viewer { username } }",
            Map.of());
    JsonNode project = res.get("data").get("project");
    String decoded =
        new String(
            Base64.getDecoder().decode(project.get("internalId").asText()), StandardCharsets.UTF_8);
    assertThat(decoded).isEqualTo("ProjectInternalId:" + run.projectId());
    assertThat(project.get("run").get("projectId").asLong()).isEqualTo(run.projectId());
    assertThat(res.get("data").get("viewer").get("username").asText()).isEqualTo("emulator");
    assertThat(
            graphQl(
                    "query { project(name: \"nope\", entityName: \"acme\") { internalId } }",
                    Map.of())
                .get("data")
                .get("project")
                .isNull())
        .isTrue();
  }

  @Test
  void patternsFollowMysqlLikeSemantics() {
    for (String name :
        List.of(
            "a.json", "b.JSON", "media/x.png", "media/xy.png", "a_b.txt", "axb.txt", "100%.txt")) {
      run.addFile(name, new byte[] {1});
    }
    Run client = emu.client().run("acme/proj/r1");
    assertThat(names(client, "%.json")).containsExactly("a.json", "b.JSON");
    assertThat(names(client, "media/_.png")).containsExactly("media/x.png");
    assertThat(names(client, "a\\_b%")).containsExactly("a_b.txt");
    assertThat(names(client, "a_b%")).containsExactly("a_b.txt", "axb.txt");
    assertThat(names(client, "%\\%%")).containsExactly("100%.txt");
  }

  private static List<String> names(Run r, String pattern) {
    return r.files(FileQuery.builder().pattern(pattern).build())
        .map(File::name)
        .collectList()
        .block(Duration.ofSeconds(10));
  }

  @Test
  void cursorsAreOpaqueAndPageInOrder() throws Exception {
    for (int i = 0; i < 120; i++) {
      run.addFile("f" + i, new byte[] {(byte) i});
    }
    String q =
        "query($after: String) { project(name: \"proj\", entityName: \"acme\") { run(name: \"r1\") {"
            + " files(first: 50, after: $after) { edges { node { name } cursor } pageInfo { endCursor hasNextPage } } } } }";
    java.util.Map<String, Object> vars = new java.util.HashMap<>();
    vars.put("after", null);
    JsonNode page1 = graphQl(q, vars).get("data").get("project").get("run").get("files");
    assertThat(page1.get("edges")).hasSize(50);
    assertThat(page1.get("pageInfo").get("hasNextPage").asBoolean()).isTrue();
    String cursor = page1.get("pageInfo").get("endCursor").asText();
    assertThat(cursor).doesNotContain("50");
    vars.put("after", cursor);
    JsonNode page2 = graphQl(q, vars).get("data").get("project").get("run").get("files");
    assertThat(page2.get("edges").get(0).get("node").get("name").asText()).isEqualTo("f50");
    assertThat(emu.client().run("acme/proj/r1").files().count().block(Duration.ofSeconds(10)))
        .isEqualTo(120);
  }

  @Test
  void missingNamesComeBackAsPlaceholdersWithMd5ZeroAndFileCountIgnoresFilters() throws Exception {
    run.addFile("a.txt", new byte[] {1});
    run.addFile("b.txt", new byte[] {2});
    JsonNode res =
        graphQl(
            "query { project(name: \"proj\", entityName: \"acme\") { run(name: \"r1\") { fileCount"
                + " files(names: [\"a.txt\", \"missing.txt\"], pattern: null) { edges { node { id name url directUrl md5 sizeBytes } } } } } }",
            Map.of());
    assertThat(res.has("errors")).as(res.toString()).isFalse();
    JsonNode r = res.get("data").get("project").get("run");
    assertThat(r.get("fileCount").asInt()).isEqualTo(2);
    assertThat(r.get("files").get("edges")).hasSize(2);
    assertThat(r.get("files").get("edges").get(1).get("node").get("md5").asText()).isEqualTo("0");
  }

  @Test
  void fileUrlsNeedTheKeyAndRedirectToSignedStorageThatRefusesCredentials() throws Exception {
    EmulatedFile f = run.addFile("media/a b.bin", "hello".getBytes(StandardCharsets.UTF_8));
    String apiUrl =
        emu.client().run("acme/proj/r1").files().blockFirst(Duration.ofSeconds(10)).url();
    assertThat(get(apiUrl).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> redirect = get(apiUrl, "Authorization", auth());
    assertThat(redirect.statusCode()).isEqualTo(302);
    String signed = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(signed).startsWith(emu.storageUrl()).contains("X-Signature=");
    HttpResponse<byte[]> ok = get(signed);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(ok.headers().firstValue("ETag").orElseThrow()).isEqualTo("\"" + f.md5() + "\"");
    assertThat(get(signed, "Authorization", auth()).statusCode()).isEqualTo(400);
    assertThat(get(signed.replace("X-Signature=", "X-Signature=0")).statusCode()).isEqualTo(403);
    emu.faults().expireSignedUrls(true);
    assertThat(new String(get(signed).body(), StandardCharsets.UTF_8)).contains("expired");
  }

  @Test
  void storageServesRangesHonouringIfRange() throws Exception {
    EmulatedFile f = run.addFile("d.bin", "0123456789".getBytes(StandardCharsets.UTF_8));
    String signed = emu.signedUrl(f);
    HttpResponse<byte[]> partial = get(signed, "Range", "bytes=4-");
    assertThat(partial.statusCode()).isEqualTo(206);
    assertThat(new String(partial.body(), StandardCharsets.UTF_8)).isEqualTo("456789");
    assertThat(partial.headers().firstValue("Content-Range").orElseThrow())
        .isEqualTo("bytes 4-9/10");
    HttpResponse<byte[]> stale = get(signed, "Range", "bytes=4-", "If-Range", "\"other\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).hasSize(10);
    assertThat(get(signed, "Range", "bytes=20-").statusCode()).isEqualTo(416);
    f.faults().ignoreRange(true);
    assertThat(get(signed, "Range", "bytes=4-").statusCode()).isEqualTo(200);
  }

  @Test
  void generatedContentIsDeterministicWithARealMd5() throws Exception {
    EmulatedFile f = run.addGeneratedFile("gen.bin", 200_000);
    byte[] body = get(emu.signedUrl(f)).body();
    assertThat(body).hasSize(200_000);
    String md5 =
        Base64.getEncoder()
            .encodeToString(java.security.MessageDigest.getInstance("MD5").digest(body));
    assertThat(md5).isEqualTo(f.md5());
    assertThat(get(emu.signedUrl(f), "Range", "bytes=70000-").body())
        .isEqualTo(java.util.Arrays.copyOfRange(body, 70000, 200000));
  }

  @Test
  void filesOnDiskAreServedWholeAndInRanges(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path p = dir.resolve("acme/proj/r2/logs/out.log");
    java.nio.file.Files.createDirectories(p.getParent());
    java.nio.file.Files.writeString(p, "line one\nline two\n");
    emu.serveDirectory(dir);
    EmulatedFile f = emu.run("acme/proj/r2").file("logs/out.log");
    assertThat(f).isNotNull();
    assertThat(new String(get(emu.signedUrl(f)).body(), StandardCharsets.UTF_8))
        .isEqualTo("line one\nline two\n");
    assertThat(
            new String(get(emu.signedUrl(f), "Range", "bytes=9-").body(), StandardCharsets.UTF_8))
        .isEqualTo("line two\n");
  }

  @Test
  void filesOnDiskWithFaultsAreStreamedWithTheFaultsApplied(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path p = dir.resolve("big.bin");
    byte[] data = new byte[200_000];
    new java.util.Random(5).nextBytes(data);
    java.nio.file.Files.write(p, data);
    EmulatedFile f = run.addFile("big.bin", p);
    assertThat(f.size()).isEqualTo(200_000);
    f.faults().corruptByte(150_000);
    byte[] body = get(emu.signedUrl(f), "Range", "bytes=100000-").body();
    assertThat(body).hasSize(100_000);
    assertThat(body[50_000]).isEqualTo((byte) ~data[150_000]);
    assertThat(body[49_999]).isEqualTo(data[149_999]);
    f.faults().clear().throttle(10_000_000);
    assertThat(get(emu.signedUrl(f)).body()).isEqualTo(data);
  }

  @Test
  void deleteFilesRefusesAMissingWrongOrNonIntegerProjectId() throws Exception {
    EmulatedFile f = run.addFile("a.txt", new byte[] {1});
    String m =
        "mutation($files: [ID!]!, $projectId: Int) { deleteFiles(input: {files: $files, projectId: $projectId}) { success } }";
    java.util.Map<String, Object> vars = new java.util.HashMap<>();
    vars.put("files", List.of(f.id()));
    vars.put("projectId", null);
    assertThat(graphQl(m, vars).get("errors")).isNotEmpty();
    vars.put("projectId", run.projectId() + 1);
    assertThat(graphQl(m, vars).get("errors")).isNotEmpty();
    vars.put("projectId", "UHJvamVjdEludGVybmFsSWQ6NDA4NTM1NzU=");
    assertThat(graphQl(m, vars).get("errors")).isNotEmpty();
    assertThat(run.fileCount()).isEqualTo(1);
    vars.put("projectId", run.projectId());
    assertThat(graphQl(m, vars).get("data").get("deleteFiles").get("success").asBoolean()).isTrue();
    assertThat(run.fileCount()).isZero();
  }

  @Test
  void theRequestLogRecordsAuthOperationsAndVariables() {
    run.addFile("a.txt", new byte[] {1});
    emu.clearRequests();
    emu.client().run("acme/proj/r1").files().blockLast(Duration.ofSeconds(10));
    List<RecordedRequest> log = emu.requests();
    assertThat(log).hasSize(1);
    RecordedRequest r = log.get(0);
    assertThat(r.server()).isEqualTo("api");
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/graphql");
    assertThat(r.authorization()).isTrue();
    assertThat(r.operationName()).isEqualTo("RunFiles");
    assertThat(r.variables()).containsEntry("entity", "acme").containsEntry("name", "r1");
  }

  @Test
  void aRemovedRunIsNeitherListedNorFoundAndItsFileUrlsAnswer404() throws Exception {
    run.addFile("a.txt", new byte[] {1, 2, 3});
    emu.run("acme/proj/r2").addFile("b.txt", new byte[] {4});
    File a = emu.client().run("acme/proj/r1").file("a.txt").block(Duration.ofSeconds(10));

    assertThat(emu.removeRun("acme/proj/r1")).isTrue();
    assertThat(emu.removeRun("acme/proj/r1")).isFalse();
    assertThat(emu.removeRun("acme/nothing/r1")).isFalse();

    assertThat(
            emu.client()
                .project("acme/proj")
                .runs()
                .map(r -> r.run().path().runId())
                .collectList()
                .block(Duration.ofSeconds(10)))
        .containsExactly("r2");
    assertThatThrownBy(
            () -> emu.client().run("acme/proj/r1").files().blockLast(Duration.ofSeconds(10)))
        .isInstanceOf(WandbNotFoundException.class);
    HttpResponse<Void> api =
        http.send(
            HttpRequest.newBuilder(URI.create(a.url())).header("Authorization", auth()).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(api.statusCode()).isEqualTo(404);
    // The signed storage URL carries its own credentials.
    HttpResponse<Void> storage =
        http.send(
            HttpRequest.newBuilder(URI.create(a.directUrl())).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(storage.statusCode()).isEqualTo(404);
  }
}
