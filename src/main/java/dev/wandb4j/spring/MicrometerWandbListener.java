package dev.wandb4j.spring;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import reactor.util.context.ContextView;

/**
 * Records a client's activity in Micrometer counters, named as Micrometer advises (no unit in a
 * name, so Prometheus shows {@code wandb4j_data_received_bytes_total}):
 *
 * <ul>
 *   <li>{@code wandb4j.pages.fetched}: listing pages received
 *   <li>{@code wandb4j.files.listed}: files in those pages
 *   <li>{@code wandb4j.data.received}: file bytes received (base unit: bytes)
 *   <li>{@code wandb4j.retries}: attempts retried, tagged {@code operation} ({@code graphql},
 *       {@code download}) and {@code exception} (the simple class name of the failure)
 *   <li>{@code wandb4j.failures}: operations that failed for good because of W&amp;B, its storage
 *       or the network ({@link WandbException}s), tagged {@code operation} and {@code exception}; a
 *       local refusal such as a target that already exists is not a failure of W&amp;B
 * </ul>
 *
 * Timers come from {@link ObservationWandbListener}.
 */
public final class MicrometerWandbListener implements WandbClientListener {
  private final MeterRegistry registry;
  private final Counter pages;
  private final Counter files;
  private final Counter bytes;

  /**
   * Creates a listener.
   *
   * @param registry where to record
   */
  public MicrometerWandbListener(MeterRegistry registry) {
    this.registry = registry;
    this.pages =
        Counter.builder("wandb4j.pages.fetched")
            .description("Listing pages received from W&B")
            .register(registry);
    this.files =
        Counter.builder("wandb4j.files.listed")
            .description("Files in the listing pages received")
            .register(registry);
    this.bytes =
        Counter.builder("wandb4j.data.received")
            .baseUnit("bytes")
            .description("File bytes received")
            .register(registry);
  }

  @Override
  public void pageFetched(int count, ContextView context) {
    pages.increment();
    files.increment(count);
  }

  @Override
  public void bytesDownloaded(long count, ContextView context) {
    bytes.increment(count);
  }

  @Override
  public void retried(Operation operation, Throwable cause, ContextView context) {
    Counter.builder("wandb4j.retries")
        .description("Attempts that failed and were tried again")
        .tag("operation", name(operation))
        .tag("exception", cause.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  @Override
  public void failed(Operation operation, Throwable error, ContextView context) {
    if (!(error instanceof WandbException)) {
      return;
    }
    Counter.builder("wandb4j.failures")
        .description("Operations that W&B, its storage or the network failed, after any retries")
        .tag("operation", name(operation))
        .tag("exception", error.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  static String name(Operation operation) {
    return operation.name().toLowerCase(Locale.ROOT);
  }
}
