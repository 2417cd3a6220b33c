package dev.wandb4j.spring;

import dev.wandb4j.WandbClientListener.Operation;
import io.micrometer.observation.Observation;

/** What an observation of one client operation knows: the operation, and how it ended. */
public final class WandbObservationContext extends Observation.Context {
  private final Operation operation;
  private volatile boolean cancelled;

  WandbObservationContext(Operation operation) {
    this.operation = operation;
  }

  /**
   * The operation observed.
   *
   * @return a GraphQL call or a transfer
   */
  public Operation operation() {
    return operation;
  }

  /**
   * Whether the caller cancelled the operation before it ended.
   *
   * @return {@code true} if cancelled
   */
  public boolean isCancelled() {
    return cancelled;
  }

  void cancelled() {
    this.cancelled = true;
  }
}
