package dev.wandb4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {
  @Test
  void anUnreleasedBufferIsReportedAsALeak() {
    leakOne();
    assertThat(LeakDetection.collect()).anySatisfy(leak -> assertThat(leak).startsWith("LEAK:"));
  }

  private static void leakOne() {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
    buf.writeLong(42);
  }
}
