package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.WandbClient;
import dev.wandb4j.WandbClientListener;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The caller's Reactor context reaches every callback of its operations; a download's requests to
 * the body come one at a time, whatever thread they start on.
 */
class ContextPropagationTest {
  @TempDir Path root;

  @Test
  void theCallersContextReachesTheProgressCallbackAndTheListener() {
    Set<String> inProgress = ConcurrentHashMap.newKeySet();
    Set<String> inListener = ConcurrentHashMap.newKeySet();
    WandbClientListener listener =
        new WandbClientListener() {
          @Override
          public void pageFetched(int files, ContextView context) {
            inListener.add("page:" + context.getOrDefault("trace", "none"));
          }

          @Override
          public void bytesDownloaded(long bytes, ContextView context) {
            inListener.add("bytes:" + context.getOrDefault("trace", "none"));
          }
        };
    try (WandbEmulator emu = WandbEmulator.start();
        WandbClient client = emu.clientBuilder().listener(listener).build()) {
      emu.run("acme/proj/ctx").addGeneratedFile("a.bin", 2_000_000);
      DownloadOptions options =
          DownloadOptions.builder()
              .progress(p -> inProgress.add(p.context().getOrDefault("trace", "none")))
              .build();
      client
          .run("acme/proj/ctx")
          .files()
          .flatMap(f -> f.download(root, options))
          .contextWrite(Context.of("trace", "t-1"))
          .blockLast(Duration.ofSeconds(10));
    }
    assertThat(inProgress).containsExactly("t-1");
    assertThat(inListener).containsExactlyInAnyOrder("page:t-1", "bytes:t-1");
  }

  @Test
  void requestsAndCancelFromManyThreadsReachTheSubscriptionOneAtATime() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    Subscription upstream =
        new Subscription() {
          @Override
          public void request(long n) {
            enter();
          }

          @Override
          public void cancel() {
            enter();
          }

          private void enter() {
            if (inside.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            calls.incrementAndGet();
            Thread.onSpinWait();
            inside.decrementAndGet();
          }
        };
    ChannelWriter.SerialSubscription serial = new ChannelWriter.SerialSubscription();
    serial.set(upstream);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 8; t++) {
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              return;
            }
            for (int i = 0; i < 20_000; i++) {
              serial.request(1);
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    serial.cancel();
    serial.cancel();
    assertThat(overlaps).hasValue(0);
    assertThat(calls.get()).isPositive().isLessThanOrEqualTo(160_001);
  }
}
