package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.LeakDetection;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many files at high concurrency through every fault at once. Every file that could be fetched is
 * byte-exact, every one that could not is reported with its reason, no part file is left, no buffer
 * leaks, and direct memory and file descriptors return to their baseline.
 *
 * <p>Sized for {@code mvn verify} by default; {@code -Dsoak.files=10000 -Dsoak.concurrency=256}
 * runs the full size ({@code benchmarks/soak.sh}).
 */
class SoakTest {
  enum Fault {
    NONE,
    RESET,
    SERVER_ERROR,
    RATE_LIMITED,
    THROTTLED,
    SLOW_FIRST_BYTE,
    STALLED,
    EXPIRED_URL,
    CORRUPTED
  }

  @Test
  void everyFetchableFileIsExactAndEveryOtherIsReported(@TempDir Path root) throws Exception {
    int files = Integer.getInteger("soak.files", 2000);
    int concurrency = Integer.getInteger("soak.concurrency", 64);
    warmUp(root.resolve("warm-up"));
    long fdsBefore = openFileDescriptors();
    long pinnedBefore = PooledByteBufAllocator.DEFAULT.pinnedDirectMemory();
    Map<String, Fault> planned = new HashMap<>();
    Map<String, String> md5s = new HashMap<>();
    List<DownloadResult> results;
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/proj/soak");
      SplittableRandom random = new SplittableRandom(2026);
      Fault[] faults = Fault.values();
      for (int i = 0; i < files; i++) {
        String name = "media/" + (i % 50) + "/file_" + i + ".bin";
        EmulatedFile f = run.addGeneratedFile(name, 1_000 + random.nextInt(200_000));
        Fault fault =
            random.nextInt(3) == 0 ? faults[1 + random.nextInt(faults.length - 1)] : Fault.NONE;
        switch (fault) {
          case RESET -> f.faults().resetAfter(f.size() / 2, 1);
          case SERVER_ERROR -> f.faults().failNext(2, 503);
          case RATE_LIMITED -> f.faults().failNext(1, 429, Duration.ZERO);
          case THROTTLED -> f.faults().throttle(5_000_000);
          case SLOW_FIRST_BYTE -> f.faults().delayFirstByte(Duration.ofMillis(300));
          case STALLED -> f.faults().delayFirstByte(Duration.ofSeconds(30));
          case EXPIRED_URL -> f.faults().expireSignedUrls(true);
          case CORRUPTED -> f.faults().corruptByte(f.size() / 3);
          default -> {}
        }
        planned.put(name, fault);
        md5s.put(name, f.md5());
      }
      try (WandbClient client =
          emu.clientBuilder()
              .maxConnections(concurrency)
              .readTimeout(Duration.ofSeconds(1))
              .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
              .build()) {
        results =
            client
                .run("acme/proj/soak")
                .downloadAll(
                    root,
                    FileQuery.builder().perPage(1000).build(),
                    DownloadOptions.DEFAULT,
                    concurrency)
                .collectList()
                .block(Duration.ofMinutes(10));
      }
    }
    assertThat(results).hasSize(files);
    Map<Fault, int[]> outcome = new EnumMap<>(Fault.class);
    for (DownloadResult r : results) {
      Fault fault = planned.get(r.file().name());
      outcome.computeIfAbsent(fault, k -> new int[2])[r.isFailed() ? 1 : 0]++;
      boolean unfetchable =
          fault == Fault.EXPIRED_URL || fault == Fault.CORRUPTED || fault == Fault.STALLED;
      if (unfetchable) {
        assertThat(r.isFailed()).as(r.file().name() + " " + fault).isTrue();
        assertThat(r.error().getMessage())
            .contains(
                switch (fault) {
                  case CORRUPTED -> "MD5 mismatch";
                  case STALLED -> "Timed out";
                  default -> "expired";
                });
        assertThat(r.path()).doesNotExist();
      } else {
        assertThat(r.status())
            .as(r.file().name() + " " + fault + " " + r.error())
            .isEqualTo(DownloadResult.Status.DOWNLOADED);
        assertThat(md5(r.path())).isEqualTo(md5s.get(r.file().name()));
      }
    }
    assertThat(dev.wandb4j.testing.Fixtures.partFiles(root)).isEmpty();
    assertThat(LeakDetection.collect()).isEmpty();
    long pinnedAfter = PooledByteBufAllocator.DEFAULT.pinnedDirectMemory();
    assertThat(pinnedAfter).isLessThanOrEqualTo(pinnedBefore + (4 << 20));
    long fdsAfter = waitForFileDescriptors(fdsBefore);
    assertThat(fdsAfter).isLessThanOrEqualTo(fdsBefore + 8);
    StringBuilder table = new StringBuilder("soak outcome (fault: fetched/failed):");
    outcome.forEach(
        (k, v) -> table.append(' ').append(k).append('=').append(v[0]).append('/').append(v[1]));
    System.out.println(table);
  }

  /**
   * Loads the classes and starts the event loops a download needs, so that the descriptors they
   * hold for good (jar files, epoll) are part of the baseline.
   */
  private static void warmUp(Path dir) {
    try (WandbEmulator emu = WandbEmulator.start()) {
      emu.run("acme/proj/warm").addGeneratedFile("a.bin", 10_000).faults().corruptByte(1);
      emu.run("acme/proj/warm").addGeneratedFile("b.bin", 10_000);
      emu.client()
          .run("acme/proj/warm")
          .downloadAll(dir, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 2)
          .blockLast(Duration.ofSeconds(30));
    }
  }

  private static String md5(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(md.digest());
  }

  private static long openFileDescriptors() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  private static long waitForFileDescriptors(long baseline) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long now = openFileDescriptors();
    while (now > baseline + 8 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      now = openFileDescriptors();
    }
    return now;
  }
}
