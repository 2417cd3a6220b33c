package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the tool mid-download (SIGTERM here, which runs the same shutdown path as Ctrl-C's
 * SIGINT) cancels what is in flight, removes the part files and exits with 130.
 */
class InterruptTest {
  @Test
  void stoppingADownloadLeavesNoPartFilesAndExitsWith130(@TempDir Path root, @TempDir Path logs)
      throws Exception {
    Path log = logs.resolve("cli.log");
    try (WandbEmulator emu = WandbEmulator.start()) {
      for (int i = 0; i < 3; i++) {
        emu.run("acme/proj/r1").addGeneratedFile("slow_" + i + ".bin", 50_000_000);
      }
      emu.faults().throttle(2_000_000);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "download",
                  "acme/proj/r1",
                  "--root",
                  root.toString(),
                  "--base-url",
                  emu.baseUrl(),
                  "--api-key",
                  emu.apiKey())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partFiles(root) == 0 && System.nanoTime() < deadline && p.isAlive()) {
        Thread.sleep(20);
      }
      assertThat(partFiles(root)).isPositive();
      Thread.sleep(300);
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isEqualTo(130);
      assertThat(output).contains("Interrupted");
      assertThat(partFiles(root)).isZero();
      try (Stream<Path> s = Files.list(root)) {
        assertThat(s.filter(f -> f.toString().endsWith(".bin"))).isEmpty();
      }
    }
  }

  private static long partFiles(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(f -> f.toString().contains(".wandb4j-part")).count();
    }
  }
}
