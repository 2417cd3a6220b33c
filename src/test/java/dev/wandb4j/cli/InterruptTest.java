package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the tool mid-download (SIGTERM here, which runs the same shutdown path as Ctrl-C's
 * SIGINT) stops what is in flight, leaves no half-written file at a final path, keeps the part
 * files a later run can continue from (files of 8 MiB or more with an MD5) and removes the others,
 * and exits with 130; running the same command again continues from them.
 */
class InterruptTest {
  @Test
  void stoppingADownloadKeepsOnlyResumablePartFilesAndExitsWith130(
      @TempDir Path root, @TempDir Path logs) throws Exception {
    Path log = logs.resolve("cli.log");
    try (WandbEmulator emu = WandbEmulator.start()) {
      for (int i = 0; i < 2; i++) {
        emu.run("acme/proj/r1").addGeneratedFile("slow_" + i + ".bin", 50_000_000);
      }
      emu.run("acme/proj/r1").addGeneratedFile("small.bin", 5_000_000);
      emu.faults().throttle(2_000_000);
      Process p = cli(emu, root, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partFiles(root) == 0 && System.nanoTime() < deadline && p.isAlive()) {
        Thread.sleep(20);
      }
      long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partFiles(root) < 3 && System.nanoTime() < deadline2 && p.isAlive()) {
        Thread.sleep(20);
      }
      assertThat(partFiles(root)).isPositive();
      Thread.sleep(300);
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isEqualTo(130);
      assertThat(output).contains("Interrupted");
      try (Stream<Path> s = Files.list(root)) {
        assertThat(s.filter(f -> f.toString().endsWith(".bin"))).isEmpty();
      }
      assertThat(root.resolve("small.bin.wandb4j-part")).doesNotExist();
      assertThat(root.resolve("slow_0.bin.wandb4j-part")).exists();
      assertThat(root.resolve("slow_0.bin.wandb4j-part.info")).exists();
    }
  }

  @Test
  void runningAgainAfterAnInterruptionContinuesALargeFile(@TempDir Path root, @TempDir Path logs)
      throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile f = emu.run("acme/proj/r1").addGeneratedFile("model.ckpt", 30_000_000);
      f.faults().throttle(4_000_000);
      Path part = root.resolve("model.ckpt.wandb4j-part");
      Process p = cli(emu, root, logs.resolve("1.log"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((!Files.exists(part) || Files.size(part) < 14_000_000)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(130);

      f.faults().clear();
      emu.clearRequests();
      Process again = cli(emu, root, logs.resolve("2.log"));
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(again.exitValue())
          .as(Files.readString(logs.resolve("2.log"), StandardCharsets.UTF_8))
          .isZero();
      List<RecordedRequest> gets =
          emu.requests().stream().filter(r -> r.server().equals("storage")).toList();
      assertThat(gets).hasSize(1);
      assertThat(gets.get(0).range()).isNotNull().startsWith("bytes=");
      long from = Long.parseLong(gets.get(0).range().replaceAll("[^0-9]", ""));
      assertThat(from).isGreaterThan(8_000_000);
      assertThat(Files.size(root.resolve("model.ckpt"))).isEqualTo(30_000_000);
      assertThat(part).doesNotExist();
    }
  }

  private static Process cli(WandbEmulator emu, Path root, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
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
  }

  private static long partFiles(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(f -> f.toString().contains(".wandb4j-part")).count();
    }
  }
}
