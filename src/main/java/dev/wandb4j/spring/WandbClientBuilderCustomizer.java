package dev.wandb4j.spring;

import dev.wandb4j.WandbClient;

/** Adjusts the builder of the auto-configured {@code WandbClient} before it is built. */
@FunctionalInterface
public interface WandbClientBuilderCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the builder, with the {@code wandb.*} properties applied
   */
  void customize(WandbClient.Builder builder);
}
