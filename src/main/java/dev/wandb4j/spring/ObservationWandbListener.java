package dev.wandb4j.spring;

import dev.wandb4j.WandbClientListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import reactor.util.context.ContextView;

/**
 * Makes every GraphQL call and every transfer of a client a Micrometer observation: a timer with a
 * meter registry, a span with tracing. The parent is the observation the caller put in its Reactor
 * context (as Spring WebFlux does for the request being served), else the current one, so that a
 * request's trace shows the W&amp;B calls it made.
 */
public final class ObservationWandbListener implements WandbClientListener {
  /** Where Micrometer's context propagation keeps the current observation in a Reactor context. */
  static final String OBSERVATION_KEY = "micrometer.observation";

  private static final DefaultWandbObservationConvention DEFAULT =
      new DefaultWandbObservationConvention();

  private final ObservationRegistry registry;
  private final WandbObservationConvention convention;

  /**
   * Creates a listener.
   *
   * @param registry where the observations go
   * @param convention names and tags them, or {@code null} for the default
   */
  public ObservationWandbListener(
      ObservationRegistry registry, WandbObservationConvention convention) {
    this.registry = registry;
    this.convention = convention;
  }

  @Override
  public Completion operationStarted(Operation operation, ContextView context) {
    WandbObservationContext observed = new WandbObservationContext(operation);
    Observation observation =
        Observation.createNotStarted(convention, DEFAULT, () -> observed, registry);
    Object inContext = context.getOrDefault(OBSERVATION_KEY, null);
    Observation parent =
        inContext instanceof Observation
            ? (Observation) inContext
            : registry.getCurrentObservation();
    if (parent != null) {
      observation.parentObservation(parent);
    }
    observation.start();
    return new Completion() {
      @Override
      public void succeeded() {
        observation.stop();
      }

      @Override
      public void failed(Throwable error) {
        observation.error(error);
        observation.stop();
      }

      @Override
      public void cancelled() {
        observed.cancelled();
        observation.stop();
      }
    };
  }
}
