package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.wandb4j.DownloadOptions;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * On a case-insensitive file system (macOS's and Windows' defaults; here Jimfs configured like
 * macOS), {@code x.bin.WANDB4J-PART} is the same file as {@code x.bin}'s part file, so names of the
 * client's own files are refused whatever their case.
 */
class PartFileCaseFoldTest {
  static byte[] bytes(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aNameLikeAPartFileInAnotherCaseIsRefusedAndTheFileItWouldShadowIsKept() throws Exception {
    byte[] x = bytes(1, 700_000);
    byte[] xPart = bytes(2, 500_000);
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.osX());
        WandbEmulator emu = WandbEmulator.start()) {
      Path root = fs.getPath("/downloads");
      Files.createDirectories(root);
      emu.run("acme/proj/cf").addFile("x.bin", x);
      emu.run("acme/proj/cf").addFile("x.bin.WANDB4J-PART", xPart);
      try (WandbClient c = emu.clientBuilder().build()) {
        Run run = c.run("acme/proj/cf");
        reactor.test.StepVerifier.create(
                run.file("x.bin.WANDB4J-PART").flatMap(f -> f.download(root)))
            .expectErrorSatisfies(
                e ->
                    assertThat(e)
                        .isInstanceOf(dev.wandb4j.error.WandbTransferException.class)
                        .hasMessageContaining("Refused"))
            .verify(Duration.ofSeconds(30));
        Path other = root.resolve("x.bin.WANDB4J-PART");
        assertThat(other).doesNotExist();

        Path mine =
            run.file("x.bin")
                .flatMap(f -> f.download(root, DownloadOptions.builder().sync(true).build()))
                .block(Duration.ofSeconds(30));
        assertThat(Files.readAllBytes(mine)).isEqualTo(x);
      }
    }
  }
}
