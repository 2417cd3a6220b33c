package dev.wandb4j.testing;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/** Streamed bodies for tests: copied off each buffer, which is then released. */
public final class Bodies {
  private Bodies() {}

  /** Collects every byte of a body, releasing each buffer. */
  public static byte[] collect(Flux<ByteBuf> body) {
    Collector c = new Collector();
    body.doOnNext(c).blockLast(Duration.ofSeconds(20));
    return c.bytes();
  }

  /** Keeps what it is handed and releases each buffer; use in {@code doOnNext}. */
  public static final class Collector implements Consumer<ByteBuf> {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Override
    public synchronized void accept(ByteBuf buf) {
      byte[] b = new byte[buf.readableBytes()];
      buf.readBytes(b);
      buf.release();
      out.writeBytes(b);
    }

    public synchronized byte[] bytes() {
      return out.toByteArray();
    }
  }
}
