import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * What durability costs: the same downloads with {@code durable(true)} (the default: each file
 * forced to disk before it is moved into place, and its folder after) and {@code durable(false)},
 * alternating, inside one JVM, from an in-process emulator that sends the files with sendfile.
 * Two scenarios: 2,000 files of 64 KiB at 32 at a time, and one 1 GiB file, each verified by MD5.
 * Prints TSV rows (scenario, setting, median seconds). Args: data folder (source files), output
 * folder (on the file system to measure), rounds.
 */
public final class DurabilityBench {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Path big = data.resolve("durability-big.bin");
    Path small = data.resolve("durability-small");
    prepare(big, 1L << 30, 1);
    Files.createDirectories(small);
    for (int i = 0; i < 2000; i++) {
      prepare(small.resolve(String.format("f_%05d.bin", i)), 64 << 10, 100 + i);
    }
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun many = emu.run("acme/bench/many");
      try (Stream<Path> s = Files.list(small)) {
        s.sorted().forEach(p -> many.addFile(p.getFileName().toString(), p));
      }
      emu.run("acme/bench/big").addFile("big.bin", big);
      try (WandbClient client = emu.clientBuilder().maxConnections(32).build()) {
        for (String scenario : List.of("many-64k-c32", "one-big")) {
          String run = scenario.equals("one-big") ? "acme/bench/big" : "acme/bench/many";
          int concurrency = scenario.equals("one-big") ? 1 : 32;
          List<Double> durable = new ArrayList<>();
          List<Double> relaxed = new ArrayList<>();
          for (int r = 0; r < rounds + 1; r++) {
            for (boolean d : new boolean[] {true, false}) {
              delete(out);
              long start = System.nanoTime();
              List<DownloadResult> results =
                  client
                      .run(run)
                      .downloadAll(
                          out,
                          FileQuery.builder().perPage(1000).build(),
                          DownloadOptions.builder().durable(d).build(),
                          concurrency)
                      .collectList()
                      .block();
              double s = (System.nanoTime() - start) / 1e9;
              if (results.stream().anyMatch(DownloadResult::isFailed)) {
                throw new IllegalStateException("a download failed in " + scenario);
              }
              if (r > 0) {
                (d ? durable : relaxed).add(s);
              }
            }
          }
          System.out.printf("%s\tdurable\t%.3f%n", scenario, median(durable));
          System.out.printf("%s\tnot-durable\t%.3f%n", scenario, median(relaxed));
        }
      }
    }
    delete(out);
  }

  private static void prepare(Path p, long size, long seed) throws IOException {
    if (Files.exists(p) && Files.size(p) == size) {
      return;
    }
    Random random = new Random(seed);
    byte[] block = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= block.length) {
        random.nextBytes(block);
        o.write(block, 0, (int) Math.min(left, block.length));
      }
    }
  }

  private static double median(List<Double> times) {
    List<Double> s = new ArrayList<>(times);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
