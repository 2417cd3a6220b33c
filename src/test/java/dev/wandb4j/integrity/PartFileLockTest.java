package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.ForkedJvm;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * A part file stays locked for as long as its transfer writes it, so another process can never
 * adopt it. The lock is a POSIX record lock, and closing any channel of the file in the same JVM
 * releases every lock the JVM holds on it; so a second transfer of the same target in this JVM
 * never opens the part file in use, and a resumed transfer reads its part file back through its own
 * channel. Another process is the lock's real test: it probes the lock, or runs the library.
 */
class PartFileLockTest {

  /** Tries the lock another process would take; prints ACQUIRED or BUSY. Changes nothing. */
  public static final class LockProbe {
    public static void main(String[] args) throws Exception {
      try (FileChannel ch =
          FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        FileLock l = ch.tryLock();
        System.out.println(l == null ? "BUSY" : "ACQUIRED");
        if (l != null) {
          l.release();
        }
      }
    }

    private LockProbe() {}
  }

  /** Another process downloading the same file, without checksum verification. */
  public static final class OtherProcess {
    public static void main(String[] args) {
      try (WandbClient c = WandbClient.builder().baseUrl(args[0]).apiKey(args[1]).build()) {
        c.run(args[3])
            .file(args[4])
            .flatMap(
                file ->
                    file.download(
                        Path.of(args[2]),
                        DownloadOptions.builder().verifyChecksum(false).replace(true).build()))
            .block();
      }
    }

    private OtherProcess() {}
  }

  private static Path waitFor(Path p, long minSize, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(p) && Files.size(p) >= minSize) {
        return p;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("timed out waiting for " + p);
  }

  private static boolean randomPartExists(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.anyMatch(
          p -> p.getFileName().toString().matches("model\\.ckpt\\.[0-9a-f]{16}\\.wandb4j-part"));
    }
  }

  /**
   * Two downloads of one target in one JVM: the second writes a part file of its own without
   * opening the first's, whose lock holds.
   */
  @Test
  void aSecondDownloadOfTheSameTargetInThisJvmReleasesTheFirstOnesLock(@TempDir Path root)
      throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile f = emu.run("acme/proj/lock").addGeneratedFile("model.ckpt", 6_000_000);
      f.faults().throttle(1_000_000);
      try (WandbClient c1 = emu.clientBuilder().build();
          WandbClient c2 = emu.clientBuilder().build()) {
        Disposable a =
            c1.run("acme/proj/lock").file("model.ckpt").flatMap(x -> x.download(root)).subscribe();
        Path part = waitFor(root.resolve("model.ckpt.wandb4j-part"), 1, Duration.ofSeconds(20));

        // Before the second download, the lock holds:
        assertThat(
                ForkedJvm.run(LockProbe.class, List.of(), Duration.ofSeconds(60), part.toString())
                    .output())
            .contains("BUSY");

        Disposable b =
            c2.run("acme/proj/lock").file("model.ckpt").flatMap(x -> x.download(root)).subscribe();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!randomPartExists(root) && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(randomPartExists(root))
            .as("second download fell back to a random part")
            .isTrue();
        b.dispose();

        String probe =
            ForkedJvm.run(LockProbe.class, List.of(), Duration.ofSeconds(60), part.toString())
                .output();
        a.dispose();
        assertThat(probe)
            .as(
                "the first download is still writing %s; another process must not get its lock",
                part)
            .contains("BUSY");
      }
    }
  }

  /**
   * A download that resumes a part file left by a killed process reads it back for the MD5 and
   * keeps its lock.
   */
  @Test
  void aResumedDownloadLosesItsLockAfterReadingThePartFileBack(@TempDir Path root)
      throws Exception {
    byte[] content = new byte[12 << 20];
    new Random(7).nextBytes(content);
    String md5 =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
    // What a killed process leaves: 10 MiB of the right bytes and the record of the version.
    Path part = root.resolve("model.ckpt.wandb4j-part");
    Files.write(part, java.util.Arrays.copyOf(content, 10 << 20));
    Files.writeString(
        root.resolve("model.ckpt.wandb4j-part.info"),
        "wandb4j-part 1\n" + content.length + "\n" + md5 + "\n");
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile f = emu.run("acme/proj/lock").addFile("model.ckpt", content);
      assertThat(f.md5()).isEqualTo(md5);
      f.faults().throttle(500_000);
      try (WandbClient c = emu.clientBuilder().build()) {
        Disposable a =
            c.run("acme/proj/lock").file("model.ckpt").flatMap(x -> x.download(root)).subscribe();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (emu.requests().stream().noneMatch(r -> r.server().equals("storage"))
            && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        RecordedRequest get =
            emu.requests().stream()
                .filter(r -> r.server().equals("storage"))
                .findFirst()
                .orElseThrow();
        assertThat(get.range()).as("it resumed").startsWith("bytes=");
        String probe =
            ForkedJvm.run(LockProbe.class, List.of(), Duration.ofSeconds(60), part.toString())
                .output();
        a.dispose();
        assertThat(probe)
            .as("the resumed download is writing %s; another process must not get its lock", part)
            .contains("BUSY");
      }
    }
  }

  /**
   * End to end, with the library in both processes: after a second download of the same target in
   * this JVM, another process downloading the file with verifyChecksum(false) cannot adopt the live
   * part file, and the first download's bytes on disk are the file's. (Before 2026-11-30 the other
   * process truncated it, and the first download reported success over zeros.)
   */
  @Test
  void anotherProcessTruncatesALiveUnlockedPartFileAndTheFirstDownloadCommitsZeros(
      @TempDir Path root) throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile f = emu.run("acme/proj/lock").addGeneratedFile("model.ckpt", 6_000_000);
      f.faults().throttle(1_000_000);
      try (WandbClient c1 = emu.clientBuilder().build();
          WandbClient c2 = emu.clientBuilder().build()) {
        CompletableFuture<Path> a =
            c1.run("acme/proj/lock").file("model.ckpt").flatMap(x -> x.download(root)).toFuture();
        Path part = waitFor(root.resolve("model.ckpt.wandb4j-part"), 1, Duration.ofSeconds(20));
        Disposable b =
            c2.run("acme/proj/lock").file("model.ckpt").flatMap(x -> x.download(root)).subscribe();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!randomPartExists(root) && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        b.dispose();
        long before = Files.size(part);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other =
            new ProcessBuilder(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    OtherProcess.class.getName(),
                    emu.baseUrl(),
                    emu.apiKey(),
                    root.toString(),
                    "acme/proj/lock",
                    "model.ckpt")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        // Wait until the other process has truncated the live part file, then kill it.
        boolean truncated = false;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !a.isDone()) {
          if (Files.exists(part) && Files.size(part) < before) {
            truncated = true;
            break;
          }
          before = Files.exists(part) ? Math.max(before, Files.size(part)) : before;
          Thread.sleep(5);
        }
        other.destroyForcibly();
        assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Path done;
        try {
          done = a.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException failed) {
          // Failing is an acceptable answer; reporting success over the wrong bytes is not.
          return;
        }
        byte[] digest = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(done));
        assertThat(truncated).as("the other process must not adopt the live part file").isFalse();
        assertThat(Base64.getEncoder().encodeToString(digest))
            .as("download reported success; bytes on disk must be the file's")
            .isEqualTo(f.md5());
      }
    }
  }
}
