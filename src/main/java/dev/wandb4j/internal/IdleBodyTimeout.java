package dev.wandb4j.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * A read timeout for a response body that measures the server's silence, not the consumer's: the
 * clock runs only while the consumer has asked for data that has not come. A consumer that pauses
 * for minutes (a slow client of a proxy, a stalled disk) keeps its connection; a server that stops
 * sending while data is wanted is given up on after the timeout.
 *
 * <p>Netty's own read timeout cannot tell the two apart: backpressure stops reading from the
 * socket, and a socket that is not read looks exactly like a silent server.
 */
final class IdleBodyTimeout<T> implements CoreSubscriber<T>, Subscription {
  private final CoreSubscriber<? super T> actual;
  private final long timeoutNanos;
  private final Supplier<Throwable> error;
  private final Scheduler timer;
  private final AtomicLong wanted = new AtomicLong();
  private final AtomicBoolean armed = new AtomicBoolean();
  private Subscription upstream;
  private volatile long lastActivity = System.nanoTime();
  private volatile boolean done;

  // What the timer runs, let go of once the body has ended: a task left in the timer's queue would
  // otherwise keep this subscriber, and the whole download behind it, reachable until the timeout
  // passed. The task itself is also taken out of the queue, unless it is running.
  private final Tick tick = new Tick(this);
  private volatile Disposable pending;

  /**
   * The timer's task. Ending the body lets go of its subscriber and cancels it only while it is not
   * running: cancelling a running task interrupts its thread, which may be delivering the timeout
   * to the consumer, and the consumer's file I/O would fail on the interrupt.
   */
  private static final class Tick implements Runnable {
    private volatile IdleBodyTimeout<?> owner;
    private volatile boolean running;

    Tick(IdleBodyTimeout<?> owner) {
      this.owner = owner;
    }

    @Override
    public void run() {
      running = true;
      try {
        IdleBodyTimeout<?> o = owner;
        if (o != null) {
          o.fire();
        }
      } finally {
        running = false;
      }
    }

    /** Lets go of the subscriber; whether the task may be cancelled (it is not running). */
    boolean release() {
      owner = null;
      // Ordered after the write above: if the task starts now, it finds no subscriber.
      return !running;
    }
  }

  private IdleBodyTimeout(
      CoreSubscriber<? super T> actual,
      Duration timeout,
      Supplier<Throwable> error,
      Scheduler timer) {
    this.actual = actual;
    this.timeoutNanos = timeout.toNanos();
    this.error = error;
    this.timer = timer;
  }

  /**
   * Applies the timeout to a body.
   *
   * @param body the body
   * @param timeout the longest silence while data is wanted
   * @param error the error the body ends with when the server is silent too long
   */
  static <T> Flux<T> apply(Flux<T> body, Duration timeout, Supplier<Throwable> error) {
    return apply(body, timeout, error, Schedulers.parallel());
  }

  /** As {@link #apply(Flux, Duration, Supplier)}, timed by {@code timer}. */
  static <T> Flux<T> apply(
      Flux<T> body, Duration timeout, Supplier<Throwable> error, Scheduler timer) {
    return body.transform(
        Operators.<T, T>lift(
            (scannable, actual) -> new IdleBodyTimeout<>(actual, timeout, error, timer)));
  }

  @Override
  public Context currentContext() {
    return actual.currentContext();
  }

  @Override
  public void onSubscribe(Subscription s) {
    if (Operators.validate(upstream, s)) {
      upstream = s;
      actual.onSubscribe(this);
    }
  }

  @Override
  public void onNext(T t) {
    synchronized (this) {
      if (done) {
        Operators.onDiscard(t, actual.currentContext());
        return;
      }
      lastActivity = System.nanoTime();
      if (wanted.get() != Long.MAX_VALUE) {
        wanted.decrementAndGet();
      }
      actual.onNext(t);
      // The time the consumer spent in onNext is its own, not the server's silence.
      lastActivity = System.nanoTime();
    }
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      if (done) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      done = true;
      actual.onError(t);
    }
    disarm();
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      actual.onComplete();
    }
    disarm();
  }

  @Override
  public void request(long n) {
    if (Operators.validate(n)) {
      if (wanted.getAndAccumulate(n, Operators::addCap) == 0) {
        // Waiting starts now: the time the consumer spent not asking does not count.
        lastActivity = System.nanoTime();
      }
      upstream.request(n);
      arm(timeoutNanos);
    }
  }

  @Override
  public void cancel() {
    done = true;
    upstream.cancel();
    disarm();
  }

  private void arm(long delayNanos) {
    if (!done && armed.compareAndSet(false, true)) {
      schedule(delayNanos);
    }
  }

  private void schedule(long delayNanos) {
    pending = timer.schedule(tick, delayNanos, TimeUnit.NANOSECONDS);
    if (done) {
      // Ended while the task was being scheduled: the end's disarm may have missed it.
      disarm();
    }
  }

  private void disarm() {
    if (tick.release()) {
      Disposable p = pending;
      if (p != null) {
        p.dispose();
      }
    }
  }

  /** The timer: times out, waits on, or stops until data is wanted again. */
  private void fire() {
    if (done) {
      return;
    }
    if (wanted.get() == 0) {
      armed.set(false);
      if (wanted.get() != 0) {
        arm(timeoutNanos);
      }
      return;
    }
    synchronized (this) {
      // Taken after any onNext in progress has returned, so a consumer busy in onNext is not
      // mistaken for a silent server.
      if (done) {
        return;
      }
      long idle = System.nanoTime() - lastActivity;
      if (idle < timeoutNanos) {
        schedule(timeoutNanos - idle);
        return;
      }
      done = true;
    }
    upstream.cancel();
    actual.onError(error.get());
  }
}
