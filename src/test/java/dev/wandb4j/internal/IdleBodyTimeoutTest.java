package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The body's idle timer: it runs only while data is wanted, fails a silent body, and once the body
 * has ended (completed, failed or cancelled) no task of it is left in the timer's queue, where it
 * would keep the body's subscribers (a whole download) reachable until the timeout passed.
 */
class IdleBodyTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A timer that only records what it is asked to run and whether that was called off. */
  static final class RecordingTimer implements Scheduler {
    final List<Task> tasks = new CopyOnWriteArrayList<>();

    record Task(Runnable task, long delayNanos, Disposable.Swap state) {}

    @Override
    public Disposable schedule(Runnable task) {
      return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
      Disposable.Swap state = reactor.core.Disposables.swap();
      tasks.add(new Task(task, unit.toNanos(delay), state));
      return state;
    }

    List<Task> pending() {
      return tasks.stream().filter(t -> !t.state().isDisposed()).toList();
    }

    @Override
    public Worker createWorker() {
      throw new UnsupportedOperationException();
    }
  }

  private static Flux<Integer> timed(Flux<Integer> body, RecordingTimer timer) {
    return IdleBodyTimeout.apply(body, TIMEOUT, () -> new TimeoutException("silent"), timer);
  }

  @Test
  void aCompletedBodyLeavesNoTimerBehind() {
    RecordingTimer timer = new RecordingTimer();
    Sinks.Many<Integer> server = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(timed(server.asFlux(), timer))
        .then(() -> server.tryEmitNext(1))
        .expectNext(1)
        .then(() -> server.tryEmitNext(2))
        .then(server::tryEmitComplete)
        .expectNext(2)
        .verifyComplete();

    assertThat(timer.tasks).as("the timer was armed while data was wanted").isNotEmpty();
    assertThat(timer.pending()).as("no timer task outlives the body").isEmpty();
  }

  @Test
  void aFailedBodyLeavesNoTimerBehind() {
    RecordingTimer timer = new RecordingTimer();
    Sinks.Many<Integer> server = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(timed(server.asFlux(), timer))
        .then(() -> server.tryEmitError(new IllegalStateException("reset")))
        .verifyErrorMessage("reset");

    assertThat(timer.tasks).isNotEmpty();
    assertThat(timer.pending()).isEmpty();
  }

  @Test
  void aCancelledBodyLeavesNoTimerBehind() {
    RecordingTimer timer = new RecordingTimer();
    Sinks.Many<Integer> server = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(timed(server.asFlux(), timer))
        .then(() -> server.tryEmitNext(1))
        .expectNext(1)
        .thenCancel()
        .verify();

    assertThat(timer.tasks).isNotEmpty();
    assertThat(timer.pending()).isEmpty();
  }

  @Test
  void aBodyThatEndsBeforeTheTimerIsScheduledStillCallsItOff() {
    // The timer is armed by request(); the body completes inside that same request.
    RecordingTimer timer = new RecordingTimer();

    StepVerifier.create(timed(Flux.just(1), timer), 0)
        .thenRequest(5)
        .expectNext(1)
        .verifyComplete();

    assertThat(timer.pending()).isEmpty();
  }

  @Test
  void aConsumerThatCancelsWhileTheTimeoutIsDeliveredIsNotInterrupted() throws Exception {
    // The timeout reaches the consumer on the timer's thread; the consumer (or another thread on
    // its behalf) cancels the body meanwhile. That must not interrupt the thread the consumer is
    // on: its file I/O there would fail with ClosedByInterruptException.
    Sinks.Many<Integer> server = Sinks.many().unicast().onBackpressureBuffer();
    java.util.concurrent.atomic.AtomicReference<org.reactivestreams.Subscription> body =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CountDownLatch inOnError = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Boolean> interrupted =
        new java.util.concurrent.CompletableFuture<>();
    IdleBodyTimeout.apply(
            server.asFlux(),
            Duration.ofMillis(50),
            () -> new TimeoutException("silent"),
            Schedulers.parallel())
        .subscribe(
            new reactor.core.CoreSubscriber<Integer>() {
              @Override
              public void onSubscribe(org.reactivestreams.Subscription s) {
                body.set(s);
                s.request(1);
              }

              @Override
              public void onNext(Integer i) {}

              @Override
              public void onError(Throwable t) {
                inOnError.countDown();
                try {
                  cancelled.await(10, TimeUnit.SECONDS);
                  Thread.sleep(100);
                  interrupted.complete(Thread.currentThread().isInterrupted());
                } catch (InterruptedException e) {
                  interrupted.complete(true);
                }
              }

              @Override
              public void onComplete() {}
            });

    assertThat(inOnError.await(10, TimeUnit.SECONDS)).as("the timeout was delivered").isTrue();
    body.get().cancel();
    cancelled.countDown();

    assertThat(interrupted.get(10, TimeUnit.SECONDS))
        .as("the consumer's thread interrupted")
        .isFalse();
  }

  @Test
  void aSilentBodyWhoseDataIsWantedFailsOnceTheTimeoutHasPassed() {
    Sinks.Many<Integer> server = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(
            IdleBodyTimeout.apply(
                server.asFlux(),
                Duration.ofMillis(50),
                () -> new TimeoutException("silent"),
                Schedulers.parallel()))
        .then(() -> server.tryEmitNext(1))
        .expectNext(1)
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(TimeoutException.class).hasMessage("silent"))
        .verify(Duration.ofSeconds(10));
    assertThat(server.currentSubscriberCount()).as("the silent body was cancelled").isZero();
  }
}
