package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.ForkedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded for the whole client, not per file: 256 downloads at once fit in a JVM with 64
 * MiB of heap and 64 MiB of direct memory.
 */
class MemoryBudgetTest {
  static final int FILES = 256;
  static final int SIZE = 4 << 20;

  @Test
  void twoHundredFiftySixDownloadsAtOnceFitInSixtyFourMibOfDirectMemory(@TempDir Path dir)
      throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      // One file on disk behind every name: the emulator sends it with sendfile, as fast as
      // loopback goes, so the client's buffers are what limits memory.
      Path served = Files.createTempFile("wandb4j-budget", ".bin");
      byte[] block = new byte[SIZE];
      new java.util.Random(5).nextBytes(block);
      Files.write(served, block);
      EmulatedRun run = emu.run("acme/proj/many");
      for (int i = 0; i < FILES; i++) {
        run.addFile("f/" + i + ".bin", served);
      }
      ForkedJvm.Result r =
          ForkedJvm.run(
              Child.class,
              List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"),
              Duration.ofMinutes(4),
              emu.baseUrl(),
              emu.apiKey(),
              dir.toString());
      assertThat(r.exitCode()).as(r.output()).isZero();
      String output = r.output();
      assertThat(output).contains("downloaded " + FILES + " files");
      try (var s = Files.list(dir.resolve("f"))) {
        assertThat(s.filter(f -> f.toFile().length() == SIZE).count()).isEqualTo(FILES);
      } finally {
        Files.delete(served);
      }
    }
  }

  /** Runs in the small JVM: downloads the run's files, all at once. */
  public static final class Child {
    public static void main(String[] args) {
      try (WandbClient client =
          WandbClient.builder().baseUrl(args[0]).apiKey(args[1]).maxConnections(FILES).build()) {
        List<DownloadResult> results =
            client
                .run("acme/proj/many")
                .downloadAll(
                    Path.of(args[2]),
                    FileQuery.builder().perPage(1000).build(),
                    DownloadOptions.DEFAULT,
                    FILES)
                .collectList()
                .block(Duration.ofMinutes(3));
        long failed = results.stream().filter(DownloadResult::isFailed).count();
        results.stream()
            .filter(DownloadResult::isFailed)
            .limit(3)
            .forEach(r -> System.out.println("FAILED " + r.file().name() + ": " + r.error()));
        System.out.println("downloaded " + (results.size() - failed) + " files");
        System.exit(failed == 0 ? 0 : 1);
      }
    }

    private Child() {}
  }
}
