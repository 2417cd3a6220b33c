package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.WandbClientListener.Operation;

/** Calls the client's listener, shielding the client from the listener's exceptions. */
public final class Events {
  static final Events NONE = new Events(new WandbClientListener() {});

  private final WandbClientListener listener;

  public Events(WandbClientListener listener) {
    this.listener = listener;
  }

  void pageFetched(int files) {
    try {
      listener.pageFetched(files);
    } catch (RuntimeException ignored) {
      // a listener must not break the client
    }
  }

  void bytesDownloaded(long bytes) {
    try {
      listener.bytesDownloaded(bytes);
    } catch (RuntimeException ignored) {
      // a listener must not break the client
    }
  }

  void retried(Operation operation, Throwable cause) {
    try {
      listener.retried(operation, cause);
    } catch (RuntimeException ignored) {
      // a listener must not break the client
    }
  }

  void failed(Operation operation, Throwable error) {
    try {
      listener.failed(operation, error);
    } catch (RuntimeException ignored) {
      // a listener must not break the client
    }
  }
}
