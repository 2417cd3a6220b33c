package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbTransferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up mid-download: a clear error naming the path, the part file removed, the
 * other downloads unaffected. Runs on a 2 MiB tmpfs, which needs root (as CI has).
 */
class DiskFullTest {
  @Test
  void aFullDiskFailsThatFileNamingItsPathAndTheOthersGoOn(@TempDir Path dir) throws Exception {
    Path small = dir.resolve("small-disk");
    Files.createDirectories(small);
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString()),
        "mounting a small tmpfs needs root");
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun r = emu.run("acme/proj/full");
      r.addGeneratedFile("checkpoints/too-big.ckpt", 8L << 20);
      for (int i = 0; i < 3; i++) {
        r.addGeneratedFile("small/" + i + ".bin", 100_000);
      }
      List<DownloadResult> results =
          emu.client()
              .run("acme/proj/full")
              .downloadAll(small, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 1)
              .collectList()
              .block(Duration.ofSeconds(60));
      DownloadResult big = results.get(0);
      assertThat(big.file().name()).isEqualTo("checkpoints/too-big.ckpt");
      assertThat(big.isFailed()).isTrue();
      assertThat(big.error())
          .isInstanceOf(WandbTransferException.class)
          .hasMessageContaining(small.resolve("checkpoints/too-big.ckpt.wandb4j-part").toString())
          .hasMessageContaining("No space left on device");
      assertThat(results.subList(1, 4))
          .allSatisfy(x -> assertThat(x.status()).isEqualTo(DownloadResult.Status.DOWNLOADED));
      try (Stream<Path> s = Files.walk(small)) {
        assertThat(
                s.filter(
                    p -> p.toString().contains(".wandb4j-part") || p.toString().endsWith(".ckpt")))
            .isEmpty();
      }
    } finally {
      run("umount", small.toString());
    }
  }

  private static boolean run(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
