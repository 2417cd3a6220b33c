package dev.wandb4j.internal;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Writes a download's bodies into its part file, one attempt after another: each buffer at its
 * position through the {@link AsynchronousFileChannel}, at most {@link #MAX_IN_FLIGHT} at once, and
 * more asked for only as writes complete, so a slow disk stops the socket being read.
 *
 * <p>It keeps the one number a resumed attempt may start from: the contiguous prefix, the bytes
 * from 0 whose writes have all completed. A later write that completes before an earlier one does
 * not move it, and a failed write ends the transfer (the file has a hole). The MD5, when there is
 * one, sees the bytes in the same order, so once an attempt has settled it covers exactly the
 * prefix.
 */
final class ChannelWriter {
  /** Buffers written at once by one transfer. */
  static final int MAX_IN_FLIGHT = 4;

  /** The bytes an abandoned part file may lack at its end: what may have been in flight. */
  static final long IN_FLIGHT_BYTES = (long) MAX_IN_FLIGHT * TransferBudget.MAX_READ;

  private final PartFile part;
  private final String what;
  private final long size;
  private final Md5 md5;
  private final TransferBudget budget;
  private final Events events;
  private final LongConsumer progress;

  // Guarded by this.
  private long position;
  private long prefix;
  private boolean holed;
  private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
  private int unfinished;
  private final List<MonoSink<Void>> idleWaiters = new ArrayList<>();
  private Throwable diskFailure;

  /**
   * Creates a writer.
   *
   * @param part the part file
   * @param what names the file in messages
   * @param size the file's size, or -1 if unknown
   * @param start the bytes already in the part file
   * @param md5 the digest, already covering {@code start} bytes; or {@code null}
   * @param budget the client's memory budget
   * @param events the client's listener
   * @param progress hears the prefix grow, on I/O threads; may throw to end the transfer
   */
  ChannelWriter(
      PartFile part,
      String what,
      long size,
      long start,
      Md5 md5,
      TransferBudget budget,
      Events events,
      LongConsumer progress) {
    this.part = part;
    this.what = what;
    this.size = size;
    this.md5 = md5;
    this.budget = budget;
    this.events = events;
    this.progress = progress;
    this.position = start;
    this.prefix = start;
  }

  /** The bytes from 0 that are on disk. */
  synchronized long prefix() {
    return prefix;
  }

  /** Starts the file over: the server sent the whole body again. Only between attempts. */
  synchronized void restart() {
    position = 0;
    prefix = 0;
    if (md5 != null) {
      md5.reset();
    }
  }

  /**
   * Writes one body from the current prefix.
   *
   * @param body the body, starting at {@link #prefix()}
   * @return completes once the body has ended and every write has settled
   */
  Mono<Void> write(Flux<ByteBuf> body) {
    return Mono.create(
        sink -> {
          Attempt a = new Attempt(sink);
          sink.onCancel(a::cancel);
          body.subscribe(a);
        });
  }

  /** Completes once no write is in flight: then the part file may be closed. */
  Mono<Void> idle() {
    return Mono.create(
        sink -> {
          synchronized (this) {
            if (!inFlight.isEmpty()) {
              idleWaiters.add(sink);
              return;
            }
          }
          sink.success();
        });
  }

  /** One buffer in flight: its place in the file and its jobs (write, digest) still running. */
  private static final class Slot {
    final long start;
    final int length;
    final AtomicInteger jobs;
    volatile boolean failed;
    boolean done;

    Slot(long start, int length, int jobs) {
      this.start = start;
      this.length = length;
      this.jobs = new AtomicInteger(jobs);
    }
  }

  /** One body's subscriber. */
  private final class Attempt implements CoreSubscriber<ByteBuf> {
    private final MonoSink<Void> result;
    private final SerialSubscription upstream = new SerialSubscription();

    // Guarded by the writer.
    private int outstanding;
    private boolean upstreamDone;
    private boolean finished;
    private Throwable error;

    Attempt(MonoSink<Void> result) {
      this.result = result;
    }

    @Override
    public Context currentContext() {
      return Context.of(result.contextView());
    }

    @Override
    public void onSubscribe(Subscription s) {
      synchronized (ChannelWriter.this) {
        outstanding = 1;
      }
      upstream.set(s);
      upstream.request(1);
    }

    @Override
    public void onNext(ByteBuf buf) {
      Slot slot = null;
      Throwable refused = null;
      int n = buf.readableBytes();
      synchronized (ChannelWriter.this) {
        outstanding--;
        if (finished || error != null || diskFailure != null) {
          buf.release();
          return;
        }
        if (size >= 0 && position + n > size) {
          refused = Downloader.tooLong(what, size);
          error = refused;
        } else {
          slot = new Slot(position, n, md5 == null ? 1 : 2);
          position += n;
          inFlight.add(slot);
          unfinished++;
        }
      }
      if (refused != null) {
        buf.release();
        upstream.cancel();
        maybeFinish();
        return;
      }
      budget.take(n);
      Slot s = slot;
      if (md5 != null) {
        md5.submit(buf.retain(), () -> jobDone(s));
      }
      ByteBuffer[] parts = buf.nioBuffers();
      write(part.channel(), buf, slot, parts, 0, slot.start);
      requestMore();
    }

    private void write(
        AsynchronousFileChannel ch, ByteBuf buf, Slot slot, ByteBuffer[] parts, int i, long pos) {
      try {
        ch.write(
            parts[i],
            pos,
            null,
            new CompletionHandler<Integer, Void>() {
              @Override
              public void completed(Integer n, Void attachment) {
                long next = pos + n;
                if (parts[i].hasRemaining()) {
                  write(ch, buf, slot, parts, i, next);
                } else if (i + 1 < parts.length) {
                  write(ch, buf, slot, parts, i + 1, next);
                } else {
                  buf.release();
                  jobDone(slot);
                }
              }

              @Override
              public void failed(Throwable e, Void attachment) {
                writeFailed(buf, slot, e);
              }
            });
      } catch (RuntimeException closed) {
        writeFailed(buf, slot, closed);
      }
    }

    private void writeFailed(ByteBuf buf, Slot slot, Throwable e) {
      buf.release();
      slot.failed = true;
      synchronized (ChannelWriter.this) {
        if (diskFailure == null) {
          diskFailure =
              e instanceof IOException
                  ? Downloader.diskError(part.path(), (IOException) e)
                  : Downloader.diskError(part.path(), new IOException(e.toString(), e));
        }
      }
      upstream.cancel();
      jobDone(slot);
    }

    /** One of a buffer's jobs is done; once all are, the prefix may grow. */
    private void jobDone(Slot slot) {
      if (slot.jobs.decrementAndGet() != 0) {
        return;
      }
      long reached;
      boolean grew;
      List<MonoSink<Void>> nowIdle = null;
      synchronized (ChannelWriter.this) {
        slot.done = true;
        unfinished--;
        long before = prefix;
        while (!inFlight.isEmpty() && inFlight.peek().done) {
          Slot head = inFlight.poll();
          if (head.failed) {
            holed = true;
          }
          if (!holed) {
            prefix = head.start + head.length;
          }
        }
        reached = prefix;
        grew = prefix > before;
        if (inFlight.isEmpty() && !idleWaiters.isEmpty()) {
          nowIdle = new ArrayList<>(idleWaiters);
          idleWaiters.clear();
        }
      }
      budget.give(slot.length);
      if (!slot.failed) {
        events.bytesDownloaded(slot.length, result.contextView());
      }
      if (grew) {
        try {
          progress.accept(reached);
        } catch (Throwable t) {
          synchronized (ChannelWriter.this) {
            if (error == null) {
              error = t;
            }
          }
          upstream.cancel();
        }
      }
      if (nowIdle != null) {
        nowIdle.forEach(MonoSink::success);
      }
      requestMore();
      maybeFinish();
    }

    /** Asks for another buffer if this transfer may hold one more. */
    private void requestMore() {
      boolean ask;
      synchronized (ChannelWriter.this) {
        int held = unfinished + outstanding;
        ask =
            !finished
                && !upstreamDone
                && error == null
                && diskFailure == null
                && held < MAX_IN_FLIGHT
                && (held == 0 || budget.hasRoom());
        if (ask) {
          outstanding++;
        }
      }
      if (ask) {
        upstream.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (ChannelWriter.this) {
        upstreamDone = true;
        if (error == null) {
          error = t;
        }
      }
      maybeFinish();
    }

    @Override
    public void onComplete() {
      synchronized (ChannelWriter.this) {
        upstreamDone = true;
      }
      maybeFinish();
    }

    /** Cancels the body; the writes in flight still settle (see {@link #idle()}). */
    void cancel() {
      synchronized (ChannelWriter.this) {
        finished = true;
      }
      upstream.cancel();
    }

    /** Ends the attempt once the body has ended (or failed) and no write is outstanding. */
    private void maybeFinish() {
      Throwable e;
      synchronized (ChannelWriter.this) {
        if (finished
            || !inFlight.isEmpty()
            || !(upstreamDone || error != null || diskFailure != null)) {
          return;
        }
        finished = true;
        // A failed write beats whatever else went wrong: the file has a hole, so the transfer
        // cannot be resumed from where the body broke off.
        e = diskFailure != null ? diskFailure : error;
      }
      if (e != null) {
        upstream.cancel();
        result.error(e);
      } else {
        result.success();
      }
    }
  }

  /**
   * A subscription whose {@code request} and {@code cancel} may be called from any thread: the
   * calls reach the real one serially, as the Reactive Streams rules require (2.7).
   */
  static final class SerialSubscription {
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong requested = new AtomicLong();
    private volatile Subscription upstream;
    private volatile boolean cancelled;
    private boolean cancelSent;

    void set(Subscription s) {
      upstream = s;
      drain();
    }

    void request(long n) {
      requested.getAndAccumulate(n, Operators::addCap);
      drain();
    }

    void cancel() {
      cancelled = true;
      drain();
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        Subscription s = upstream;
        if (s != null) {
          if (cancelled) {
            if (!cancelSent) {
              cancelSent = true;
              s.cancel();
            }
          } else {
            long r = requested.getAndSet(0);
            if (r != 0) {
              s.request(r);
            }
          }
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}
