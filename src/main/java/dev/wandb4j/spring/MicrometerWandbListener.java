package dev.wandb4j.spring;

import dev.wandb4j.WandbClientListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.util.context.ContextView;

/**
 * Records a client's activity in Micrometer:
 *
 * <ul>
 *   <li>{@code wandb4j.pages.fetched}: listing pages received
 *   <li>{@code wandb4j.files.listed}: files in those pages
 *   <li>{@code wandb4j.bytes.downloaded}: file bytes received (base unit: bytes)
 *   <li>{@code wandb4j.retries}: attempts retried, tagged {@code operation} (graphql, download)
 *   <li>{@code wandb4j.failures}: operations failed for good, tagged {@code operation} and {@code
 *       error} (the exception's simple class name)
 * </ul>
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
        Counter.builder("wandb4j.bytes.downloaded")
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
    registry.counter("wandb4j.retries", "operation", name(operation)).increment();
  }

  @Override
  public void failed(Operation operation, Throwable error, ContextView context) {
    registry
        .counter(
            "wandb4j.failures",
            "operation",
            name(operation),
            "error",
            error.getClass().getSimpleName())
        .increment();
  }

  private static String name(Operation operation) {
    return operation == Operation.GRAPHQL ? "graphql" : "download";
  }
}
