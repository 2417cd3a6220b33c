package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit links the target to the part file, then unlinks the part file: a process killed between
 * the two leaves the part file as a second name of the committed target, with its version record.
 * The next download must remove that name, not adopt it (truncating it would truncate the target).
 * The window is too narrow to hit with a real kill, so the test lays down that state.
 */
class KilledDuringCommitTest {
  static byte[] bytes(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String md5(byte[] b) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
  }

  @Test
  void aCancelledSyncOfANewVersionLeavesTheOldTargetIntactAfterAKillDuringCommit(@TempDir Path root)
      throws Exception {
    byte[] v1 = bytes(1, 12 << 20);
    byte[] v2 = bytes(2, 12 << 20);
    Path target = root.resolve("model.ckpt");
    Files.write(target, v1);
    // What a SIGKILL between createLink and the unlinks of commit leaves behind:
    Files.createLink(root.resolve("model.ckpt.wandb4j-part"), target);
    Files.writeString(
        root.resolve("model.ckpt.wandb4j-part.info"),
        "wandb4j-part 1\n" + v1.length + "\n" + md5(v1) + "\n");

    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile f = emu.run("acme/proj/commit").addFile("model.ckpt", v2); // re-uploaded
      f.faults().throttle(2_000_000);
      try (WandbClient c = emu.clientBuilder().build()) {
        reactor.core.Disposable d =
            c.run("acme/proj/commit")
                .file("model.ckpt")
                .flatMap(x -> x.download(root, DownloadOptions.builder().sync(true).build()))
                .subscribe(p -> {}, e -> {});
        // The download is under way (a part file, or the target, is being written) ...
        Thread.sleep(2_500);
        // ... and the caller cancels it (Ctrl-C, a timeout, failFast of another file).
        d.dispose();
        Thread.sleep(1_000);
        String failed = "cancelled";
        assertThat(Files.size(target))
            .as("the download was %s; the committed v1 must be left as it was", failed)
            .isEqualTo(v1.length);
        assertThat(md5(Files.readAllBytes(target))).isEqualTo(md5(v1));
      }
    }
  }
}
