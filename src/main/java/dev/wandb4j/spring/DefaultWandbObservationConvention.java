package dev.wandb4j.spring;

import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * Observations named {@value #NAME} (the timer {@code wandb4j.operations}, spans {@code wandb4j
 * graphql} and {@code wandb4j download}), with the low-cardinality tags Spring gives its own
 * clients:
 *
 * <ul>
 *   <li>{@code operation}: {@code graphql} (a page, a count, a lookup, a deletion, with its
 *       retries) or {@code download} (a download to disk or a {@code content()} stream, with its
 *       resumptions);
 *   <li>{@code outcome}: {@code SUCCESS}, {@code ERROR} or {@code CANCELLED};
 *   <li>{@code exception}: the simple class name of the error, or {@code none}.
 * </ul>
 */
public class DefaultWandbObservationConvention implements WandbObservationConvention {
  /** The observation's name: {@value}. */
  public static final String NAME = "wandb4j.operations";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(WandbObservationContext context) {
    return "wandb4j " + operation(context);
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(WandbObservationContext context) {
    Throwable error = context.getError();
    String outcome = error != null ? "ERROR" : context.isCancelled() ? "CANCELLED" : "SUCCESS";
    return KeyValues.of(
        "operation",
        operation(context),
        "outcome",
        outcome,
        "exception",
        error == null ? "none" : error.getClass().getSimpleName());
  }

  private static String operation(WandbObservationContext context) {
    return context.operation().name().toLowerCase(Locale.ROOT);
  }
}
