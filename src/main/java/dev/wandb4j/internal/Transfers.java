package dev.wandb4j.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The transfers a client has running, so that closing the client can stop them and complete only
 * once each has removed its part file, or kept it for a later download to continue from.
 */
public final class Transfers {
  private final Set<Ticket> active = ConcurrentHashMap.newKeySet();
  private final Sinks.Empty<Void> drained = Sinks.empty();
  private volatile boolean closed;

  /** A running transfer's place in the registry. */
  final class Ticket {
    private final Sinks.Empty<Void> stop = Sinks.empty();

    /** Completes when the client asks the transfer to stop. */
    Mono<Void> stopped() {
      return stop.asMono();
    }

    /** The transfer has cleaned up. Idempotent. */
    void close() {
      if (active.remove(this) && closed && active.isEmpty()) {
        drained.tryEmitEmpty();
      }
    }
  }

  /**
   * Registers a transfer that is about to create a part file.
   *
   * @throws IllegalStateException if the client is closed
   */
  Ticket register() {
    Ticket t = new Ticket();
    active.add(t);
    if (closed) {
      t.close();
      throw new IllegalStateException("This WandbClient is closed");
    }
    return t;
  }

  /** Transfers running now. */
  int size() {
    return active.size();
  }

  /**
   * Refuses new transfers, stops those running, and completes once each has cleaned up.
   *
   * @return completes when no transfer is left
   */
  public Mono<Void> close() {
    closed = true;
    for (Ticket t : active) {
      t.stop.tryEmitEmpty();
    }
    if (active.isEmpty()) {
      drained.tryEmitEmpty();
    }
    return drained.asMono();
  }
}
