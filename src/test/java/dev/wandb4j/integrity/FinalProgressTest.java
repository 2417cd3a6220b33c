package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last progress report (100%) comes once the file is complete and verified, before it is moved
 * into place: a callback that throws on it fails the download and leaves nothing at the target, one
 * consistent answer.
 */
class FinalProgressTest {
  @Test
  void aDownloadReportedFailedLeavesNoFileAtTheTarget(@TempDir Path root) throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      emu.run("acme/proj/cb").addGeneratedFile("a.bin", 300_000);
      try (WandbClient c = emu.clientBuilder().build()) {
        DownloadOptions options =
            DownloadOptions.builder()
                .progress(
                    p -> {
                      if (p.isDone()) {
                        throw new IllegalStateException("progress bar closed");
                      }
                    })
                .build();
        List<DownloadResult> results =
            c.run("acme/proj/cb")
                .downloadAll(root, FileQuery.DEFAULT, options, 1)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(results).hasSize(1);
        DownloadResult r = results.get(0);
        boolean present = Files.exists(root.resolve("a.bin"));
        assertThat(r.isFailed() && present)
            .as("status %s (error %s) while a.bin exists: %s", r.status(), r.error(), present)
            .isFalse();
      }
    }
  }
}
