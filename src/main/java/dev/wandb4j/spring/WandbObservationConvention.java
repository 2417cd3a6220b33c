package dev.wandb4j.spring;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of client operations. Declare a bean of this type to replace
 * {@link DefaultWandbObservationConvention}.
 */
public interface WandbObservationConvention extends ObservationConvention<WandbObservationContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof WandbObservationContext;
  }
}
