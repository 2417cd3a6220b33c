package dev.wandb4j.internal;

import dev.wandb4j.error.WandbException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * What the HTTP layer does with response bodies it does not stream: reads an error body for its
 * excerpt, drains a redirect's, collects a GraphQL answer for its parser. Each is bounded in bytes
 * and in time: a body that goes on for longer is abandoned, and its connection closed instead of
 * going back to the pool.
 */
final class Bodies {
  /** How much of an error body is kept for the exception. */
  static final int MAX_EXCERPT = 1024;

  /** The most bytes of a body read only to reuse its connection: 64 KiB. */
  static final int MAX_DRAIN = 64 * 1024;

  /** The longest time spent reading such a body: 5 seconds, or the read timeout if shorter. */
  static final Duration MAX_DRAIN_TIME = Duration.ofSeconds(5);

  private Bodies() {}

  static Duration drainTime(Duration readTimeout) {
    return readTimeout.compareTo(MAX_DRAIN_TIME) < 0 ? readTimeout : MAX_DRAIN_TIME;
  }

  /**
   * Reads a body to its end and drops it, so that its connection can serve the next request; one
   * that is longer than {@link #MAX_DRAIN} or slower than {@code limit} is given up on, and its
   * connection closed. Never fails. Not {@code then()}: that would hand each buffer to the discard
   * hook as well as to Reactor Netty, releasing it twice.
   */
  static Mono<Void> drain(ByteBufFlux content, Duration limit) {
    AtomicLong seen = new AtomicLong();
    return content
        .takeUntil(buf -> seen.addAndGet(buf.readableBytes()) > MAX_DRAIN)
        .reduce(0L, (n, buf) -> n + buf.readableBytes())
        .timeout(limit)
        .onErrorResume(e -> Mono.empty())
        .then();
  }

  /**
   * Reads at most {@link #MAX_EXCERPT} bytes of an error body as text, within {@code limit}; the
   * rest is drained as {@link #drain} does.
   */
  static Mono<String> excerpt(ByteBufFlux content, Duration limit) {
    AtomicLong seen = new AtomicLong();
    return content
        .takeUntil(buf -> seen.addAndGet(buf.readableBytes()) > MAX_DRAIN)
        .reduceWith(
            StringBuilder::new,
            (sb, buf) -> {
              int room = MAX_EXCERPT - sb.length();
              if (room > 0) {
                int n = Math.min(room, buf.readableBytes());
                sb.append(buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_8));
              }
              return sb;
            })
        .map(sb -> sb.length() > MAX_EXCERPT ? sb.substring(0, MAX_EXCERPT) : sb.toString())
        .timeout(limit)
        .defaultIfEmpty("")
        .onErrorReturn("");
  }

  /**
   * Gives up on a body without reading it: the subscription is cancelled at once, so Reactor Netty
   * releases whatever it has queued and closes the connection.
   */
  static void abandon(ByteBufFlux content) {
    content.subscribe(
        new BaseSubscriber<ByteBuf>() {
          @Override
          protected void hookOnSubscribe(Subscription subscription) {
            subscription.cancel();
          }
        });
  }

  /**
   * Collects a body of at most {@code max} bytes without copying it, inflates it if it came
   * gzipped, and parses it. The buffers are released whatever happens, but never while the parser
   * still reads them: a timeout or a cancel that arrives during parsing leaves the release to the
   * parser's thread.
   */
  static <T> Mono<T> collect(
      ByteBufFlux content, boolean gzipped, int max, String what, HttpCore.BodyParser<T> parser) {
    return Mono.defer(
        () -> {
          Collected body = new Collected(max, what);
          return content
              .doOnNext(body::add)
              .then(Mono.fromCallable(() -> body.parse(gzipped, parser)))
              .doFinally(signal -> body.release());
        });
  }

  static WandbException tooLarge(String what, int max) {
    return new WandbException(
        "The response for "
            + what
            + " is larger than "
            + max
            + " bytes, the most this client reads; ask for smaller pages",
        null,
        false);
  }

  /** One answer being collected, then parsed; released once, after the parser is done. */
  static final class Collected {
    private static final int COLLECTING = 0;
    private static final int PARSING = 1;
    private static final int RELEASE_AFTER_PARSING = 2;
    private static final int RELEASED = 3;

    private final int max;
    private final String what;
    private final CompositeByteBuf composite = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    private int state = COLLECTING;

    Collected(int max, String what) {
      this.max = max;
      this.what = what;
    }

    synchronized void add(ByteBuf buf) {
      if (state != COLLECTING) {
        return;
      }
      if ((long) composite.readableBytes() + buf.readableBytes() > max) {
        throw tooLarge(what, max);
      }
      composite.addComponent(true, buf.retain());
    }

    <T> T parse(boolean gzipped, HttpCore.BodyParser<T> parser) throws Exception {
      synchronized (this) {
        if (state != COLLECTING) {
          throw new IllegalStateException("The answer for " + what + " was already given up on");
        }
        state = PARSING;
      }
      try {
        if (!gzipped) {
          return parser.parse(composite);
        }
        ByteBuf inflated = inflate(composite, max, what);
        try {
          return parser.parse(inflated);
        } finally {
          inflated.release();
        }
      } finally {
        synchronized (this) {
          state = RELEASED;
        }
        ReferenceCountUtil.safeRelease(composite);
      }
    }

    /** Releases the buffers now, or once the parser returns if it is running. */
    void release() {
      synchronized (this) {
        if (state == PARSING) {
          state = RELEASE_AFTER_PARSING;
          return;
        }
        if (state != COLLECTING) {
          return;
        }
        state = RELEASED;
      }
      ReferenceCountUtil.safeRelease(composite);
    }
  }

  /** Inflates a gzipped body into a buffer of at most {@code max} bytes. */
  static ByteBuf inflate(ByteBuf gzipped, int max, String what) throws IOException {
    ByteBuf out = ByteBufAllocator.DEFAULT.heapBuffer(Math.min(max, gzipped.readableBytes() * 4));
    try (InputStream in =
        new GZIPInputStream(new ByteBufInputStream(gzipped.duplicate(), false), 16 * 1024)) {
      while (true) {
        if (out.readableBytes() >= max) {
          if (in.read() < 0) {
            break;
          }
          throw tooLarge(what, max);
        }
        int n = out.writeBytes(in, Math.min(64 * 1024, max - out.readableBytes()));
        if (n < 0) {
          break;
        }
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.release();
      throw e;
    }
  }
}
