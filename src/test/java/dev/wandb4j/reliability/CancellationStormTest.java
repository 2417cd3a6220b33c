package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.File;
import dev.wandb4j.Run;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.LeakDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A thousand downloads cancelled at random points: no leak, no part file, no stuck pool. */
class CancellationStormTest {
  @Test
  void aThousandRandomCancellationsLeaveNothingBehind(@TempDir Path root) throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun er = emu.run("acme/proj/storm");
      for (int i = 0; i < 1000; i++) {
        er.addGeneratedFile("f/" + i + ".bin", 256 * 1024);
      }
      emu.faults().throttle(2_000_000);
      try (var client = emu.clientBuilder().maxConnections(64).build()) {
        Run run = client.run("acme/proj/storm");
        List<File> files =
            run.files(dev.wandb4j.FileQuery.builder().perPage(1000).build())
                .collectList()
                .block(Duration.ofSeconds(30));
        SplittableRandom random = new SplittableRandom(11);
        long[] delays = random.longs(files.size(), 0, 250).toArray();
        Long completed =
            Flux.range(0, files.size())
                .flatMap(
                    i ->
                        files
                            .get(i)
                            .download(root)
                            .map(p -> 1L)
                            .timeout(Duration.ofMillis(delays[i]), Mono.just(0L)),
                    100)
                .reduce(0L, Long::sum)
                .block(Duration.ofSeconds(120));
        assertThat(completed).isLessThan(1000L);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (partFiles(root) > 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(partFiles(root)).isZero();
        try (Stream<Path> s = Files.walk(root)) {
          s.filter(p -> p.toString().endsWith(".bin"))
              .forEach(p -> assertThat(p.toFile().length()).isEqualTo(256 * 1024));
        }

        emu.faults().clear();
        Path after =
            files
                .get(999)
                .download(root, dev.wandb4j.DownloadOptions.builder().replace(true).build())
                .block(Duration.ofSeconds(10));
        assertThat(Files.size(after)).isEqualTo(256 * 1024);
      }
    }
    assertThat(LeakDetection.collect()).isEmpty();
  }

  /** Counts part files; a walk that meets a file being deleted is simply taken again. */
  private static long partFiles(Path root) throws Exception {
    while (true) {
      try (Stream<Path> s = Files.walk(root)) {
        return s.filter(p -> p.toString().contains(".wandb4j-part")).count();
      } catch (java.io.UncheckedIOException deletedDuringTheWalk) {
        Thread.sleep(10);
      }
    }
  }
}
