package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** A failed or cancelled bulk download has removed its part files by the time it says so. */
class CleanupOrderTest {
  @TempDir Path root;

  @Test
  void failFastSignalsItsErrorOnlyOnceThePartFilesOfTheOthersAreGone() {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/proj/ff");
      for (int i = 0; i < 6; i++) {
        run.addGeneratedFile("big/" + i + ".bin", 8_000_000).faults().throttle(2_000_000);
      }
      run.addGeneratedFile("bad.bin", 300_000).faults().throttle(1_000_000).corruptByte(10);
      try (WandbClient client = emu.clientBuilder().maxRetries(0).build()) {
        DownloadOptions failFast = DownloadOptions.builder().failFast(true).build();
        StepVerifier.create(
                client.run("acme/proj/ff").downloadAll(root, FileQuery.DEFAULT, failFast, 7))
            .thenConsumeWhile(r -> true)
            .expectErrorSatisfies(
                e -> {
                  assertThat(e).isInstanceOf(WandbTransferException.class);
                  assertThat(Fixtures.partFiles(root)).isEmpty();
                })
            .verify(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void closingTheClientCompletesOnceCancelledDownloadsHaveRemovedTheirPartFiles() throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/proj/close");
      for (int i = 0; i < 6; i++) {
        run.addGeneratedFile("big/" + i + ".bin", 8_000_000).faults().throttle(2_000_000);
      }
      WandbClient client = emu.clientBuilder().build();
      Disposable d =
          client
              .run("acme/proj/close")
              .downloadAll(root, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 6)
              .subscribe();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Fixtures.partFiles(root).size() < 6 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(Fixtures.partFiles(root)).hasSize(6);
      d.dispose();
      client.closeAsync().block(Duration.ofSeconds(10));
      assertThat(Fixtures.partFiles(root)).isEmpty();
    }
  }
}
