package dev.wandb4j.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory one client may hold in received but unwritten bytes, shared by all of its transfers.
 *
 * <p>Two things keep the total near the budget whatever the number of transfers: each socket read
 * is capped at a fair share of the budget ({@link #allocator()}), so a thousand connections read
 * small buffers where one connection reads large ones; and a transfer asks for more than one buffer
 * at a time only while the client holds less than the budget ({@link #hasRoom()}). A transfer
 * always has one buffer in flight, so none stalls however tight the budget.
 */
public final class TransferBudget {
  /** The smallest socket read: {@value} bytes. */
  static final int MIN_READ = 16 * 1024;

  /** The first socket read of a connection: {@value} bytes. */
  static final int INITIAL_READ = 64 * 1024;

  /** The largest socket read, and the largest chunk the HTTP decoder hands over: 1 MiB. */
  static final int MAX_READ = 1 << 20;

  private final long limit;
  private final AtomicLong held = new AtomicLong();
  private final AtomicInteger transfers = new AtomicInteger();
  private final RecvByteBufAllocator allocator = new CappedAllocator();

  /**
   * Creates a budget.
   *
   * @param limit the bytes all transfers together may hold
   */
  public TransferBudget(long limit) {
    if (limit < MIN_READ) {
      throw new IllegalArgumentException("a transfer budget must be at least " + MIN_READ);
    }
    this.limit = limit;
  }

  long limit() {
    return limit;
  }

  /** Bytes received and not yet written, across the client. */
  long held() {
    return held.get();
  }

  /** Socket reads of this client's connections: adaptive, and capped at a share of the budget. */
  public RecvByteBufAllocator allocator() {
    return allocator;
  }

  void transferStarted() {
    transfers.incrementAndGet();
  }

  void transferEnded() {
    transfers.decrementAndGet();
  }

  void take(long bytes) {
    held.addAndGet(bytes);
  }

  void give(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Whether a transfer that already holds a buffer may ask for another. */
  boolean hasRoom() {
    return held.get() < limit;
  }

  /**
   * The largest socket read now: a quarter of each running transfer's share of the budget (a
   * transfer holds up to four buffers), between {@link #MIN_READ} and {@link #MAX_READ}.
   */
  int readCap() {
    long share = limit / Math.max(1, transfers.get()) / 4;
    return (int) Math.max(MIN_READ, Math.min(MAX_READ, share));
  }

  /**
   * Like Netty's adaptive allocator, with the budget's cap on every guess. ({@code Handle} is
   * deprecated in favour of {@code ExtendedHandle}, which {@code MaxMessageHandle} is.)
   */
  @SuppressWarnings("deprecation")
  private final class CappedAllocator extends DefaultMaxMessagesRecvByteBufAllocator {
    @Override
    public Handle newHandle() {
      return new CappedHandle();
    }

    private final class CappedHandle extends MaxMessageHandle {
      private int next = INITIAL_READ;

      @Override
      public int guess() {
        return Math.min(next, readCap());
      }

      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        return alloc.ioBuffer(guess());
      }

      @Override
      public void lastBytesRead(int bytes) {
        // A read that filled its buffer asks for a larger one next time; one that used less than
        // half of it, for a smaller one.
        if (bytes == attemptedBytesRead()) {
          next = Math.min(MAX_READ, next << 1);
        } else if (bytes > 0 && bytes < attemptedBytesRead() >> 1) {
          next = Math.max(MIN_READ, next >> 1);
        }
        super.lastBytesRead(bytes);
      }
    }
  }
}
