package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wandb4j.File;
import dev.wandb4j.RunInfo;
import dev.wandb4j.RunQuery;
import dev.wandb4j.testing.Bodies;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator takes runs the way W&amp;B's SDKs write them: {@code Viewer} for the default entity,
 * {@code upsertBucket} to create or update the run, {@code file_stream} for its summary, history
 * and console output, whose lines are numbered so that a chunk sent again replaces what it sent.
 */
class RunWritingTest {
  /** The Viewer query of W&amp;B's JavaScript SDK 0.5.x, field for field. */
  static final String JS_SDK_VIEWER =
      "query Viewer { viewer { id entity flags teams { edges { node { name } } } } }";

  /** The UpsertBucket mutation of W&amp;B's JavaScript SDK 0.5.x, field for field. */
  static final String JS_SDK_UPSERT_BUCKET =
      "mutation UpsertBucket($id: String $name: String $project: String $entity: String"
          + " $groupName: String $description: String $displayName: String $notes: String"
          + " $commit: String $config: JSONString $host: String $debug: Boolean $program: String"
          + " $repo: String $jobType: String $state: String $sweep: String $tags: [String!]"
          + " $summaryMetrics: JSONString) { upsertBucket(input: { id: $id name: $name groupName:"
          + " $groupName modelName: $project entityName: $entity description: $description"
          + " displayName: $displayName notes: $notes config: $config commit: $commit host:"
          + " $host debug: $debug jobProgram: $program jobRepo: $repo jobType: $jobType state:"
          + " $state sweep: $sweep tags: $tags summaryMetrics: $summaryMetrics }) { bucket { id"
          + " name displayName description config sweepName project { id name entity { id name }"
          + " } } inserted } }";

  private WandbEmulator emu;
  private Wire wire;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    wire = new Wire(emu);
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private JsonNode upsert(Map<String, Object> vars) throws Exception {
    JsonNode res = wire.graphQl(JS_SDK_UPSERT_BUCKET, vars);
    assertThat(res.has("errors")).as(res.toString()).isFalse();
    return res.get("data").get("upsertBucket");
  }

  private static Map<String, Object> chunk(long offset, String... lines) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("offset", offset);
    c.put("content", List.of(lines));
    return c;
  }

  private String text(String run, String name) {
    File f = emu.client().run(run).file(name).block(Duration.ofSeconds(10));
    return new String(Bodies.collect(f.content()), StandardCharsets.UTF_8);
  }

  @Test
  void theJavaScriptSdksViewerQueryValidatesAndNamesTheDefaultEntity() throws Exception {
    JsonNode res = wire.graphQl(JS_SDK_VIEWER, Map.of());

    assertThat(res.has("errors")).as(res.toString()).isFalse();
    JsonNode viewer = res.get("data").get("viewer");
    assertThat(viewer.get("entity").asText()).isEqualTo(WandbEmulator.DEFAULT_ENTITY);
    assertThat(viewer.get("flags").asText()).isEqualTo("{}");
    assertThat(viewer.get("teams").get("edges")).isEmpty();
  }

  @Test
  void upsertBucketCreatesARunAndThenUpdatesIt() throws Exception {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("name", "abc123");
    vars.put("project", "js");
    vars.put("entity", "acme");
    vars.put("displayName", "first try");
    vars.put("config", "{\"lr\":0.01,\"layers\":{\"value\":3}}");

    JsonNode created = upsert(vars);
    vars.put("displayName", "renamed");
    vars.remove("config");
    JsonNode updated = upsert(vars);

    assertThat(created.get("inserted").asBoolean()).isTrue();
    assertThat(updated.get("inserted").asBoolean()).isFalse();
    JsonNode bucket = updated.get("bucket");
    assertThat(bucket.get("name").asText()).isEqualTo("abc123");
    assertThat(bucket.get("displayName").asText()).isEqualTo("renamed");
    assertThat(bucket.get("project").get("name").asText()).isEqualTo("js");
    assertThat(bucket.get("project").get("entity").get("name").asText()).isEqualTo("acme");
    assertThat(Wire.JSON.readTree(bucket.get("config").asText()))
        .isEqualTo(Wire.JSON.readTree("{\"lr\":{\"value\":0.01},\"layers\":{\"value\":3}}"));
    RunInfo info =
        emu.client().project("acme/js").runs(RunQuery.DEFAULT).blockFirst(Duration.ofSeconds(10));
    assertThat(info.path().runId()).isEqualTo("abc123");
    assertThat(info.displayName()).isEqualTo("renamed");
    assertThat(info.state()).isEqualTo("running");
  }

  @Test
  void aRunWithoutEntityOrProjectGoesToTheViewersEntityAndUncategorized() throws Exception {
    JsonNode created = upsert(Map.of("name", "r9"));

    assertThat(created.get("bucket").get("project").get("entity").get("name").asText())
        .isEqualTo(WandbEmulator.DEFAULT_ENTITY);
    assertThat(created.get("bucket").get("project").get("name").asText())
        .isEqualTo("uncategorized");
  }

  @Test
  void fileStreamTurnsTheSummaryAndConsoleOutputIntoRunFilesAndKeepsHistoryAsRows()
      throws Exception {
    upsert(Map.of("name", "r1", "project", "proj", "entity", "acme"));
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("wandb-history.jsonl", chunk(0, "{\"loss\":1.0,\"_step\":0}"));
    files.put("wandb-summary.json", chunk(0, "{\"loss\":1.0,\"_step\":0}"));
    files.put("output.log", chunk(0, "epoch 0", "epoch 1 (so far)"));

    HttpResponse<String> first = wire.fileStream("acme/proj/r1", Map.of("files", files));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(text("acme/proj/r1", "wandb-summary.json")).isEqualTo("{\"loss\":1.0,\"_step\":0}");
    assertThat(text("acme/proj/r1", "output.log")).isEqualTo("epoch 0\nepoch 1 (so far)\n");

    files.clear();
    files.put("wandb-history.jsonl", chunk(1, "{\"loss\":0.5,\"_step\":1}"));
    files.put("wandb-summary.json", chunk(0, "{\"loss\":0.5,\"_step\":1}"));
    // Line 1 again: the SDK resends a line it rewrote (a carriage return), then goes on.
    files.put("output.log", chunk(1, "epoch 1 done", "epoch 2"));
    assertThat(wire.fileStream("acme/proj/r1", Map.of("files", files)).statusCode()).isEqualTo(200);

    assertThat(text("acme/proj/r1", "wandb-summary.json")).isEqualTo("{\"loss\":0.5,\"_step\":1}");
    assertThat(text("acme/proj/r1", "output.log")).isEqualTo("epoch 0\nepoch 1 done\nepoch 2\n");
    EmulatedRun run = emu.run("acme/proj/r1");
    assertThat(run.history())
        .containsExactly("{\"loss\":1.0,\"_step\":0}", "{\"loss\":0.5,\"_step\":1}");
    assertThat(run.files().stream().map(EmulatedFile::name))
        .containsExactlyInAnyOrder("wandb-summary.json", "output.log");
  }

  @Test
  void completeWithExitCodeZeroFinishesTheRunAndAnyOtherFailsIt() throws Exception {
    upsert(Map.of("name", "ok", "project", "proj", "entity", "acme"));
    upsert(Map.of("name", "bad", "project", "proj", "entity", "acme"));

    wire.fileStream("acme/proj/ok", Map.of("complete", true, "exitcode", 0));
    wire.fileStream("acme/proj/bad", Map.of("complete", true, "exitcode", 1));

    assertThat(emu.run("acme/proj/ok").state()).isEqualTo("finished");
    assertThat(emu.run("acme/proj/bad").state()).isEqualTo("failed");
  }

  @Test
  void aChunkBeyondTheLastLineIsRefusedAndChangesNothing() throws Exception {
    upsert(Map.of("name", "r1", "project", "proj", "entity", "acme"));
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("output.log", chunk(0, "fine"));
    files.put("wandb-history.jsonl", chunk(5, "{}"));

    HttpResponse<String> res = wire.fileStream("acme/proj/r1", Map.of("files", files));

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.body()).contains("offset 5 of wandb-history.jsonl");
    assertThat(emu.run("acme/proj/r1").files()).isEmpty();
    assertThat(wire.fileStream("acme/proj/nope", Map.of("files", Map.of())).statusCode())
        .isEqualTo(404);
  }

  @Test
  void withAServedFolderWhatArrivesIsWrittenIntoTheRunsFolder(@TempDir Path dir) throws Exception {
    emu.close();
    emu = WandbEmulator.builder().directory(dir).start();
    wire = new Wire(emu);
    upsert(Map.of("name", "r1", "project", "proj", "entity", "acme"));
    assertThat(dir.resolve("acme/proj/r1")).isDirectory();
    wire.fileStream(
        "acme/proj/r1", Map.of("files", Map.of("wandb-summary.json", chunk(0, "{\"acc\":0.9}"))));
    JsonNode res =
        wire.graphQl(
            Wire.CREATE_RUN_FILES,
            Wire.createRunFiles("acme", "proj", "r1", List.of("media/plot.png")));
    String url =
        res.get("data").get("createRunFiles").get("files").get(0).get("uploadUrl").asText();
    assertThat(wire.put(url, new byte[] {1, 2, 3}).statusCode()).isEqualTo(200);

    assertThat(dir.resolve("acme/proj/r1/wandb-summary.json")).hasContent("{\"acc\":0.9}");
    assertThat(Files.readAllBytes(dir.resolve("acme/proj/r1/media/plot.png")))
        .containsExactly(1, 2, 3);
    try (Stream<Path> walk = Files.walk(dir)) {
      assertThat(walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .containsExactlyInAnyOrder(
              "acme/proj/r1/wandb-summary.json", "acme/proj/r1/media/plot.png");
    }
    emu.close();
    emu = WandbEmulator.builder().directory(dir).start();
    assertThat(
            emu.client()
                .run("acme/proj/r1")
                .files()
                .map(File::name)
                .collectList()
                .block(Duration.ofSeconds(10)))
        .as("a new emulator on the folder serves what the last one received")
        .containsExactlyInAnyOrder("wandb-summary.json", "media/plot.png");
  }
}
