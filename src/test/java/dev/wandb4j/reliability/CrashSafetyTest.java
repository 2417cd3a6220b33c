package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed mid-download leaves only a part file, never a truncated final one; the next download
 * of the file continues from it.
 */
class CrashSafetyTest {
  @Test
  void aKilledJvmLeavesOnlyAPartFileAndTheNextRunResumesFromIt(@TempDir Path root)
      throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile f = emu.run("acme/proj/crash").addGeneratedFile("model.ckpt", 20_000_000);
      f.faults().throttle(4_000_000);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Child.class.getName(),
                  emu.baseUrl(),
                  emu.apiKey(),
                  root.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Path part = root.resolve("model.ckpt.wandb4j-part");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((!Files.exists(part) || Files.size(part) < 8_000_000)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(part).exists();
      assertThat(root.resolve("model.ckpt")).doesNotExist();

      long left = Files.size(part);
      f.faults().clear();
      emu.clearRequests();
      try (WandbClient c = emu.clientBuilder().build()) {
        Path done =
            c.run("acme/proj/crash")
                .file("model.ckpt")
                .flatMap(file -> file.download(root))
                .block(Duration.ofSeconds(60));
        byte[] digest = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(done));
        assertThat(Base64.getEncoder().encodeToString(digest)).isEqualTo(f.md5());
      }
      assertThat(part).doesNotExist();
      List<RecordedRequest> gets =
          emu.requests().stream().filter(r -> r.server().equals("storage")).toList();
      assertThat(gets).hasSize(1);
      assertThat(gets.get(0).range()).startsWith("bytes=").endsWith("-");
      long from = Long.parseLong(gets.get(0).range().replaceAll("[^0-9]", ""));
      assertThat(from).isPositive().isGreaterThan(left - (4L << 20) - 1).isLessThanOrEqualTo(left);
    }
  }

  /** Downloads in a JVM that the test kills. */
  public static final class Child {
    public static void main(String[] args) {
      try (WandbClient c = WandbClient.builder().baseUrl(args[0]).apiKey(args[1]).build()) {
        c.run("acme/proj/crash")
            .file("model.ckpt")
            .flatMap(file -> file.download(Path.of(args[2])))
            .block();
      }
    }

    private Child() {}
  }
}
