package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download is durable by default: the part file reaches the disk before it is moved into place,
 * and the folder after, so a power cut cannot leave a short file at the final path.
 */
class DurabilityTest {
  @TempDir Path root;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void restore() {
    PartFile.durability = PartFile.Durability.SYSTEM;
  }

  private void record() {
    Path target = root.resolve("media/a.bin").toAbsolutePath();
    PartFile.durability =
        new PartFile.Durability() {
          @Override
          public void force(AsynchronousFileChannel channel) throws java.io.IOException {
            events.add(
                "file forced, target "
                    + (Files.exists(target) ? "present" : "absent")
                    + ", size "
                    + channel.size());
            PartFile.Durability.SYSTEM.force(channel);
          }

          @Override
          public void forceFolder(Path folder) {
            events.add(
                "folder "
                    + root.toAbsolutePath().relativize(folder)
                    + " forced, target "
                    + (Files.exists(target) ? "present" : "absent"));
            PartFile.Durability.SYSTEM.forceFolder(folder);
          }
        };
  }

  private void download(DownloadOptions options) {
    try (WandbEmulator emu = WandbEmulator.start();
        WandbClient client = emu.clientBuilder().build()) {
      emu.run("acme/proj/d").addGeneratedFile("media/a.bin", 300_000);
      client
          .run("acme/proj/d")
          .file("media/a.bin")
          .flatMap(f -> f.download(root, options))
          .block(Duration.ofSeconds(10));
    }
  }

  @Test
  void thePartFileIsForcedBeforeTheMoveAndTheFolderAfterIt() {
    record();
    download(DownloadOptions.DEFAULT);
    assertThat(events)
        .containsExactly(
            "file forced, target absent, size 300000", "folder media forced, target present");
  }

  @Test
  void durableFalseForcesNothing() throws Exception {
    record();
    download(DownloadOptions.builder().durable(false).build());
    assertThat(events).isEmpty();
    assertThat(Files.size(root.resolve("media/a.bin"))).isEqualTo(300_000);
  }
}
