package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress callbacks run off the client's I/O threads: a slow one holds up nothing else. */
class CallbackThreadsTest {
  @TempDir Path root;

  @Test
  void callbacksThatBlockDoNotHoldUpOtherDownloads() throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/proj/cb");
      for (int i = 0; i < 4; i++) {
        run.addGeneratedFile("slow-callback/" + i + ".bin", 3_000_000);
      }
      run.addGeneratedFile("free.bin", 3_000_000);
      CountDownLatch freeDone = new CountDownLatch(1);
      Set<String> threads = ConcurrentHashMap.newKeySet();
      AtomicInteger blockedTooLong = new AtomicInteger();
      DownloadOptions options =
          DownloadOptions.builder()
              .progress(
                  p -> {
                    threads.add(Thread.currentThread().getName());
                    if (p.file().name().startsWith("slow-callback/")) {
                      try {
                        if (!freeDone.await(15, TimeUnit.SECONDS)) {
                          blockedTooLong.incrementAndGet();
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }
                  })
              .build();
      try (WandbClient client = emu.clientBuilder().build()) {
        List<DownloadResult> results =
            client
                .run("acme/proj/cb")
                .downloadAll(root, FileQuery.DEFAULT, options, 5)
                .doOnNext(
                    r -> {
                      if (r.file().name().equals("free.bin")) {
                        freeDone.countDown();
                      }
                    })
                .collectList()
                .block(Duration.ofSeconds(60));
        assertThat(results).hasSize(5).noneMatch(DownloadResult::isFailed);
      }
      assertThat(blockedTooLong).hasValue(0);
      assertThat(threads)
          .isNotEmpty()
          .noneMatch(t -> t.startsWith("reactor-http") || t.startsWith("wandb4j-file"))
          .noneMatch(t -> t.startsWith("parallel"));
    }
  }
}
