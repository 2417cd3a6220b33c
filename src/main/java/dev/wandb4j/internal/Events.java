package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.WandbClientListener.Completion;
import dev.wandb4j.WandbClientListener.Operation;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/** Calls the client's listeners, shielding the client from their exceptions. */
public final class Events {
  static final Events NONE = new Events(List.of());

  private final WandbClientListener[] listeners;

  public Events(List<WandbClientListener> listeners) {
    this.listeners = listeners.toArray(new WandbClientListener[0]);
  }

  /**
   * Tells the listeners when {@code operation} starts (at each subscription) and how it ends:
   * success, error or cancellation, exactly once.
   */
  <T> Mono<T> observe(Operation operation, Mono<T> source) {
    if (listeners.length == 0) {
      return source;
    }
    return Mono.deferContextual(
        ctx -> {
          Ending end = started(operation, ctx);
          return source
              .doOnSuccess(v -> end.succeeded())
              .doOnError(end::failed)
              .doOnCancel(end::cancelled);
        });
  }

  /** As {@link #observe(Operation, Mono)}, for a stream. */
  <T> Flux<T> observe(Operation operation, Flux<T> source) {
    if (listeners.length == 0) {
      return source;
    }
    return Flux.deferContextual(
        ctx -> {
          Ending end = started(operation, ctx);
          return source
              .doOnComplete(end::succeeded)
              .doOnError(end::failed)
              .doOnCancel(end::cancelled);
        });
  }

  private Ending started(Operation operation, ContextView context) {
    Completion[] ends = new Completion[listeners.length];
    for (int i = 0; i < listeners.length; i++) {
      Completion c = null;
      try {
        c = listeners[i].operationStarted(operation, context);
      } catch (RuntimeException ignored) {
        // a listener must not break the client
      }
      ends[i] = c == null ? Completion.NONE : c;
    }
    return new Ending(ends);
  }

  /** The ends of one operation, each told once. */
  private static final class Ending {
    private final Completion[] ends;
    private final AtomicBoolean done = new AtomicBoolean();

    Ending(Completion[] ends) {
      this.ends = ends;
    }

    void succeeded() {
      tell(Completion::succeeded);
    }

    void failed(Throwable error) {
      tell(c -> c.failed(error));
    }

    void cancelled() {
      tell(Completion::cancelled);
    }

    private void tell(Consumer<Completion> signal) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      for (Completion c : ends) {
        try {
          signal.accept(c);
        } catch (RuntimeException ignored) {
          // a listener must not break the client
        }
      }
    }
  }

  void pageFetched(int files, ContextView context) {
    for (WandbClientListener l : listeners) {
      try {
        l.pageFetched(files, context);
      } catch (RuntimeException ignored) {
        // a listener must not break the client
      }
    }
  }

  void bytesDownloaded(long bytes, ContextView context) {
    for (WandbClientListener l : listeners) {
      try {
        l.bytesDownloaded(bytes, context);
      } catch (RuntimeException ignored) {
        // a listener must not break the client
      }
    }
  }

  void retried(Operation operation, Throwable cause, ContextView context) {
    for (WandbClientListener l : listeners) {
      try {
        l.retried(operation, cause, context);
      } catch (RuntimeException ignored) {
        // a listener must not break the client
      }
    }
  }

  void failed(Operation operation, Throwable error, ContextView context) {
    for (WandbClientListener l : listeners) {
      try {
        l.failed(operation, error, context);
      } catch (RuntimeException ignored) {
        // a listener must not break the client
      }
    }
  }
}
