package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wandb4j.File;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The emulator does slow work (digests, reads from disk) off the event loops, and runs on event
 * loops of its own, so that it cannot hold up the client under test.
 */
class EmulatorThreadsTest {
  @Test
  void theEmulatorServesOnThreadsOfItsOwnAndStopsThemWhenClosed() throws Exception {
    Set<Thread> before = emulatorThreads();
    try (WandbEmulator emu = WandbEmulator.start()) {
      emu.run("acme/proj/r1").addGeneratedFile("a.bin", 100_000);
      assertThat(
              emu.client()
                  .run("acme/proj/r1")
                  .files()
                  .map(File::md5)
                  .collectList()
                  .block(Duration.ofSeconds(10)))
          .hasSize(1);
      assertThat(emulatorThreads())
          .extracting(Thread::getName)
          .anyMatch(
              n -> n.startsWith("wandb4j-emulator-epoll") || n.startsWith("wandb4j-emulator-nio"))
          .anyMatch(n -> n.startsWith("wandb4j-emulator-worker"))
          .anyMatch(n -> n.startsWith("wandb4j-emulator-digest"));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!started(before).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(started(before)).isEmpty();
  }

  private static Set<Thread> emulatorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("wandb4j-emulator"))
        .collect(Collectors.toSet());
  }

  private static Set<Thread> started(Set<Thread> before) {
    Set<Thread> now = emulatorThreads();
    now.removeAll(before);
    return now;
  }

  /**
   * A file on disk whose digest cannot finish (a named pipe nobody writes to yet) holds up the
   * answer that needs that digest, and nothing else: many concurrent requests, on as many
   * connections, are all answered meanwhile.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aDigestThatTakesLongHoldsUpNoOtherRequest(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("slow.bin");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    byte[] content = "written late".getBytes(StandardCharsets.UTF_8);
    CompletableFuture<List<File>> slow = null;
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun r = emu.run("acme/proj/r1");
      r.addFile("a.txt", "fast".getBytes(StandardCharsets.UTF_8));
      Run run = emu.client().run("acme/proj/r1");
      FileQuery fast = FileQuery.builder().names(List.of("a.txt")).build();
      String fastMd5 = run.files(fast).blockFirst(Duration.ofSeconds(10)).md5();

      r.addFile("slow.bin", fifo);
      slow =
          run.files(FileQuery.builder().names(List.of("slow.bin")).build())
              .collectList()
              .toFuture();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (emu.requests().stream()
              .noneMatch(q -> List.of("slow.bin").equals(q.variables().get("fileNames")))
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      emu.clearRequests();
      List<String> answered =
          Flux.range(0, 24)
              .flatMap(i -> run.files(fast).map(File::md5), 24)
              .collectList()
              .block(Duration.ofSeconds(30));
      assertThat(answered).hasSize(24).containsOnly(fastMd5);
      assertThat(emu.requests())
          .hasSize(24)
          .allSatisfy(q -> assertThat(q.operationName()).isEqualTo("RunFiles"));
      assertThat(slow).as("the listing that needs the pending digest waits for it").isNotDone();

      writeInto(fifo, content);
      List<File> slowFiles = slow.get(30, TimeUnit.SECONDS);
      assertThat(slowFiles)
          .singleElement()
          .satisfies(
              f ->
                  assertThat(f.md5())
                      .isEqualTo(
                          Base64.getEncoder()
                              .encodeToString(MessageDigest.getInstance("MD5").digest(content))));
    } finally {
      if (slow != null && !slow.isDone()) {
        // Let the reader of the pipe finish, whatever failed.
        Thread writer = new Thread(() -> writeInto(fifo, content));
        writer.setDaemon(true);
        writer.start();
      }
    }
  }

  /**
   * A download that gives up while its file's digest is still being computed does not take the
   * digest with it: the digest is shared by every request for the file, and stays good.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aDownloadGivenUpWhileTheDigestIsComputedLeavesTheDigestGood(@TempDir Path dir)
      throws Exception {
    Path fifo = dir.resolve("slow.bin");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    byte[] content = "written late".getBytes(StandardCharsets.UTF_8);
    boolean written = false;
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile slow = emu.run("acme/proj/r1").addFile("slow.bin", fifo);
      reactor.core.Disposable download =
          reactor.netty.http.client.HttpClient.create()
              .get()
              .uri(emu.signedUrl(slow))
              .responseContent()
              .subscribe(b -> {}, e -> {});
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (emu.requests().stream().noneMatch(q -> q.server().equals("storage"))
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(emu.requests()).anyMatch(q -> q.server().equals("storage"));
      download.dispose();
      Thread.sleep(200);

      writeInto(fifo, content);
      written = true;
      assertThat(slow.md5Async().get(30, TimeUnit.SECONDS))
          .isEqualTo(
              Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content)));
    } finally {
      if (!written) {
        Thread writer = new Thread(() -> writeInto(fifo, content));
        writer.setDaemon(true);
        writer.start();
      }
    }
  }

  private static void writeInto(Path fifo, byte[] content) {
    try (OutputStream out = Files.newOutputStream(fifo)) {
      out.write(content);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
