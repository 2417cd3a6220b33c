package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.WandbClientListener.Operation;
import java.util.List;
import reactor.util.context.ContextView;

/** Calls the client's listeners, shielding the client from their exceptions. */
public final class Events {
  static final Events NONE = new Events(List.of());

  private final WandbClientListener[] listeners;

  public Events(List<WandbClientListener> listeners) {
    this.listeners = listeners.toArray(new WandbClientListener[0]);
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
