package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.LeakDetection;
import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A consumer with unbounded demand that does slow work inside {@code onNext} (a blocking write to a
 * stalled disk or socket) is busy, not facing a silent server: the read timeout does not count the
 * time spent in {@code onNext}, and the stream is not retried.
 */
class BusyConsumerTest {

  @Test
  void aConsumerBusyInOnNextLongerThanTheReadTimeoutIsNotTreatedAsADeadServer() throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile ef = emu.run("acme/proj/slow").addGeneratedFile("data.bin", 2_000_000);
      try (WandbClient c = emu.clientBuilder().readTimeout(Duration.ofMillis(300)).build()) {
        File f = c.run("acme/proj/slow").file("data.bin").block(Duration.ofSeconds(10));
        emu.clearRequests();
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        AtomicInteger seen = new AtomicInteger();
        f.content()
            .doOnNext(
                (ByteBuf b) -> {
                  try {
                    if (seen.getAndIncrement() == 2) {
                      Thread.sleep(1200); // a stalled disk under a plain blocking writer
                    }
                    md5.update(b.nioBuffer());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    b.release();
                  }
                })
            .blockLast(Duration.ofSeconds(30));
        assertThat(Base64.getEncoder().encodeToString(md5.digest())).isEqualTo(ef.md5());
        List<RecordedRequest> gets =
            emu.requests().stream().filter(r -> r.server().equals("storage")).toList();
        assertThat(gets)
            .as("the server never went silent; the consumer was busy: one request expected")
            .hasSize(1);
      }
    }
    assertThat(LeakDetection.collect()).isEmpty();
  }
}
