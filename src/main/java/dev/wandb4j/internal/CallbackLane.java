package dev.wandb4j.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers a user's callback off the client's I/O threads: in order, one call at a time, on
 * Reactor's {@code boundedElastic} scheduler, so a callback that is slow (or blocks) holds up only
 * its own later calls, never a download. Values are snapshots: while a call runs, newer values
 * replace one another and only the latest is delivered next. The first exception a callback throws
 * is kept for the caller to act on; later values are dropped.
 *
 * @param <T> the values delivered
 */
public final class CallbackLane<T> implements Runnable {
  private final Consumer<? super T> callback;
  private final Scheduler scheduler;
  private final AtomicReference<T> pending = new AtomicReference<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicReference<MonoSink<Void>> flushed = new AtomicReference<>();
  private volatile T last;
  private volatile Throwable failure;

  public CallbackLane(Consumer<? super T> callback) {
    this(callback, Schedulers.boundedElastic());
  }

  CallbackLane(Consumer<? super T> callback, Scheduler scheduler) {
    this.callback = callback;
    this.scheduler = scheduler;
  }

  /** Hands a value over; returns at once. */
  public void offer(T value) {
    synchronized (this) {
      if (failure != null || last != null) {
        return;
      }
      pending.set(value);
    }
    drain();
  }

  /**
   * Hands over the last value and completes once it has been delivered, after every value offered
   * before it; fails with the callback's exception if one was thrown. Later offers are dropped.
   */
  public Mono<Void> last(T value) {
    return Mono.create(
        sink -> {
          if (!flushed.compareAndSet(null, sink)) {
            sink.error(new IllegalStateException("last value already given"));
            return;
          }
          synchronized (this) {
            last = value;
            pending.set(value);
          }
          drain();
        });
  }

  /** The exception a callback threw, or {@code null}. */
  public Throwable failure() {
    return failure;
  }

  private void drain() {
    if (wip.getAndIncrement() == 0) {
      try {
        scheduler.schedule(this);
      } catch (RejectedExecutionException shuttingDown) {
        run();
      }
    }
  }

  @Override
  public void run() {
    int missed = 1;
    do {
      T value = pending.getAndSet(null);
      if (value != null && failure == null) {
        try {
          callback.accept(value);
        } catch (Throwable t) {
          failure = t;
        }
      }
      if (value != null && value == last) {
        MonoSink<Void> sink = flushed.get();
        Throwable f = failure;
        if (f == null) {
          sink.success();
        } else {
          sink.error(f);
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }
}
