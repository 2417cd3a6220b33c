package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wandb4j.File;
import dev.wandb4j.RunInfo;
import dev.wandb4j.WandbClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run written by a real W&amp;B client, read back by wandb4j: W&amp;B's JavaScript SDK ({@code
 * @wandb/sdk} 0.5.1, pinned in {@code src/test/js/package.json}) creates a run in the emulator with
 * {@code WANDB_BASE_URL} and {@code WANDB_API_KEY}, logs five steps and finishes; wandb4j then
 * lists the run and downloads its {@code wandb-summary.json}. Needs Node.js 18 or later and the
 * package installed with {@code npm ci --prefix src/test/js}, as {@code .ci/run} does; without
 * them the test fails and says so.
 */
class JavaScriptSdkTest {
  private static final Path JS = Path.of("src/test/js");
  private static final int STEPS = 5;

  @Test
  void aRunLoggedByWandbsJavaScriptSdkIsListedAndItsSummaryDownloaded(@TempDir Path tmp)
      throws Exception {
    String node = requireNode();
    requireSdk();
    try (WandbEmulator emu = WandbEmulator.start()) {
      ProcessBuilder pb =
          new ProcessBuilder(node, "log-run.mjs", "js-sdk", "run0001", String.valueOf(STEPS))
              .directory(JS.toFile())
              .redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("WANDB_"));
      env.put("WANDB_BASE_URL", emu.baseUrl());
      env.put("WANDB_API_KEY", emu.apiKey());
      env.put("HOME", tmp.toString());
      Process p = pb.start();
      boolean exited = p.waitFor(2, TimeUnit.MINUTES);
      if (!exited) {
        p.destroyForcibly();
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(exited).as("the SDK finished within two minutes:%n%s", output).isTrue();
      assertThat(p.exitValue()).as(output).isZero();

      // What crossed the wire: the SDK's own calls, with the key, to the API only.
      List<RecordedRequest> requests = emu.requests();
      assertThat(requests)
          .extracting(RecordedRequest::operationName)
          .contains("Viewer", "UpsertBucket");
      List<RecordedRequest> streamed =
          requests.stream().filter(r -> r.path().endsWith("/file_stream")).toList();
      assertThat(streamed).isNotEmpty().allMatch(RecordedRequest::authorization);
      assertThat(streamed.get(0).path())
          .isEqualTo("/files/" + WandbEmulator.DEFAULT_ENTITY + "/js-sdk/run0001/file_stream");

      WandbClient client = emu.client();
      RunInfo info =
          client
              .project(WandbEmulator.DEFAULT_ENTITY + "/js-sdk")
              .runs()
              .blockFirst(Duration.ofSeconds(10));
      assertThat(info.path().runId()).isEqualTo("run0001");
      assertThat(info.state()).isEqualTo("finished");
      File summaryFile = info.run().file("wandb-summary.json").block(Duration.ofSeconds(10));
      Path downloaded = summaryFile.download(tmp.resolve("out")).block(Duration.ofSeconds(10));
      JsonNode summary = new ObjectMapper().readTree(downloaded.toFile());
      assertThat(summary.get("loss").asDouble()).isEqualTo(1.0 / STEPS);
      assertThat(summary.get("accuracy").asDouble()).isEqualTo((STEPS - 1) / 10.0);
      assertThat(summary.get("_step").asInt()).isEqualTo(STEPS - 1);

      List<Double> losses = new ArrayList<>();
      for (String row : emu.run(WandbEmulator.DEFAULT_ENTITY + "/js-sdk/run0001").history()) {
        losses.add(new ObjectMapper().readTree(row).get("loss").asDouble());
      }
      assertThat(losses).containsExactly(1.0, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5);
    }
  }

  /** The {@code node} command, or a failure that says how to get it. */
  private static String requireNode() throws InterruptedException {
    String version;
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("`node --version` did not answer within 30 seconds");
      }
      version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException missing) {
      return fail(
          "Node.js is not installed (no `node` command): this test runs W&B's JavaScript SDK,"
              + " which needs Node.js 18 or later; install it (e.g. apt-get install nodejs) and"
              + " run `npm ci --prefix src/test/js`");
    }
    int major = Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1"));
    assertThat(major)
        .as("W&B's JavaScript SDK needs Node.js 18 or later; found " + version)
        .isGreaterThanOrEqualTo(18);
    return "node";
  }

  private static void requireSdk() throws IOException {
    Path pkg = JS.resolve("node_modules/@wandb/sdk/package.json");
    if (!Files.isRegularFile(pkg)) {
      fail(
          "W&B's JavaScript SDK is not installed: run `npm ci --prefix src/test/js` first (.ci/run"
              + " does), which installs the version pinned in src/test/js/package-lock.json");
    }
    assertThat(new ObjectMapper().readTree(pkg.toFile()).get("version").asText())
        .as("the @wandb/sdk version installed in src/test/js")
        .isEqualTo("0.5.1");
  }
}
