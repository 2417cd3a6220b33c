package dev.wandb4j.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;

/**
 * The write path of a download, alone: one stream of pooled direct {@link ByteBuf}s, as Reactor
 * Netty hands a body over, written at increasing positions into an {@link
 * AsynchronousFileChannel} with a bounded number of writes in flight and one more buffer requested
 * per completed write, which is the discipline of wandb4j's file sink. One operation writes 64 MiB;
 * {@code chunkKiB} is the size of each buffer (Reactor Netty's default is 8 KiB, wandb4j lets reads
 * and HTTP chunks grow to 1 MiB) and {@code inFlight} the writes outstanding at once (wandb4j uses
 * 4). Output goes to {@code dir}, a tmpfs by default, so that the path is measured, not the disk.
 * Run with {@code -prof gc}: the allocation per operation, divided by 64, is the allocation per MiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WritePathBenchmark {
  static final long TOTAL = 64L << 20;

  @Param({"8", "64", "1024"})
  public int chunkKiB;

  @Param({"1", "4", "16"})
  public int inFlight;

  @Param({"/dev/shm"})
  public String dir;

  private Path file;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Files.createTempFile(Path.of(dir), "wandb4j-jmh", ".part");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
  }

  @Benchmark
  public long write() throws Exception {
    int chunk = chunkKiB << 10;
    long count = TOTAL / chunk;
    Flux<ByteBuf> body =
        Flux.generate(
            () -> 0L,
            (i, sink) -> {
              if (i == count) {
                sink.complete();
              } else {
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(chunk, chunk);
                buf.writerIndex(chunk);
                sink.next(buf);
              }
              return i + 1;
            });
    try (AsynchronousFileChannel channel =
        AsynchronousFileChannel.open(
            file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      PositionalWriter writer = new PositionalWriter(channel, inFlight);
      body.subscribe(writer);
      return writer.done.get(1, TimeUnit.MINUTES);
    }
  }

  /** Writes each buffer at the next position; asks for one more as each write completes. */
  static final class PositionalWriter implements Subscriber<ByteBuf> {
    final CompletableFuture<Long> done = new CompletableFuture<>();
    private final AsynchronousFileChannel channel;
    private final int inFlight;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private long position;
    private volatile boolean upstreamDone;
    private Subscription upstream;

    PositionalWriter(AsynchronousFileChannel channel, int inFlight) {
      this.channel = channel;
      this.inFlight = inFlight;
    }

    @Override
    public void onSubscribe(Subscription s) {
      upstream = s;
      s.request(inFlight);
    }

    @Override
    public void onNext(ByteBuf buf) {
      long pos;
      synchronized (this) {
        pos = position;
        position += buf.readableBytes();
      }
      outstanding.incrementAndGet();
      write(buf, buf.nioBuffer(), pos);
    }

    private void write(ByteBuf buf, ByteBuffer nio, long pos) {
      channel.write(
          nio,
          pos,
          null,
          new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void attachment) {
              if (nio.hasRemaining()) {
                write(buf, nio, pos + n);
                return;
              }
              written.addAndGet(buf.readableBytes());
              buf.release();
              outstanding.decrementAndGet();
              if (upstreamDone) {
                finishIfIdle();
              } else {
                upstream.request(1);
              }
            }

            @Override
            public void failed(Throwable e, Void attachment) {
              buf.release();
              upstream.cancel();
              done.completeExceptionally(e);
            }
          });
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      upstreamDone = true;
      finishIfIdle();
    }

    private void finishIfIdle() {
      if (outstanding.get() == 0) {
        done.complete(written.get());
      }
    }
  }
}
