package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

class FileIoTest {
  @TempDir Path dir;

  @Test
  void workRunsOnThePoolAndNeverOnTheSubscribersThread() {
    FileIo io = new FileIo(2, 1, TimeUnit.MINUTES);
    String caller = Thread.currentThread().getName();

    String ranOn = io.call(() -> Thread.currentThread().getName()).block(Duration.ofSeconds(5));

    assertThat(ranOn).startsWith("wandb4j-file-").isNotEqualTo(caller);
  }

  @Test
  void aPartFilesWritesCompleteOnThePool() throws Exception {
    FileIo io = new FileIo(2, 1, TimeUnit.MINUTES);
    Path part = dir.resolve("a.part");
    CompletableFuture<String> completedOn = new CompletableFuture<>();

    try (AsynchronousFileChannel ch =
        io.open(part, EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE))) {
      ch.write(
          ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)),
          0,
          null,
          new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void attachment) {
              completedOn.complete(Thread.currentThread().getName());
            }

            @Override
            public void failed(Throwable e, Void attachment) {
              completedOn.completeExceptionally(e);
            }
          });
      assertThat(completedOn.get(5, TimeUnit.SECONDS)).startsWith("wandb4j-file-");
    }
    assertThat(Files.readString(part)).isEqualTo("abc");
  }

  @Test
  void manyTasksAtOnceShareTheSizeOfThePool() throws Exception {
    FileIo io = new FileIo(2, 1, TimeUnit.MINUTES);
    Set<String> threads = ConcurrentHashMap.newKeySet();

    Flux.range(0, 16)
        .flatMap(
            i ->
                io.call(
                    () -> {
                      threads.add(Thread.currentThread().getName());
                      Thread.sleep(10);
                      return i;
                    }),
            16)
        .collectList()
        .block(Duration.ofSeconds(10));

    assertThat(threads).hasSize(2);
    assertThat(io.threads()).isEqualTo(2);
  }

  @Test
  void idleThreadsEnd() throws Exception {
    FileIo io = new FileIo(2, 50, TimeUnit.MILLISECONDS);
    io.call(() -> 1).block(Duration.ofSeconds(5));
    assertThat(io.threads()).isPositive();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (io.threads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(io.threads()).isZero();
  }
}
