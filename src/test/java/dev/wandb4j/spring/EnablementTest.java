package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.EMU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbAuthenticationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

/** {@code wandb.enabled=false} turns the integration off; an application without a key starts. */
class EnablementTest {
  private final ReactiveWebApplicationContextRunner runner =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class));

  @Test
  void disabledMeansNoBeansAtAll() {
    runner
        .withPropertyValues("wandb.enabled=false", "wandb.base-url=http://127.0.0.1:99999")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).doesNotHaveBean(WandbClient.class);
              assertThat(ctx).doesNotHaveBean(WandbFileResponses.class);
              assertThat(ctx).doesNotHaveBean(WandbExceptionHandler.class);
            });
  }

  @Test
  void enabledByDefault() {
    runner
        .withPropertyValues("wandb.base-url=" + EMU.baseUrl(), "wandb.api-key=" + EMU.apiKey())
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(WandbClient.class);
              assertThat(ctx).hasSingleBean(WandbFileResponses.class);
              assertThat(ctx).hasSingleBean(WandbExceptionHandler.class);
            });
  }

  @Test
  void withoutAKeyTheApplicationStartsAndTheFirstCallFailsWithoutARequest() {
    assumeTrue(System.getenv("WANDB_API_KEY") == null, "WANDB_API_KEY is set");
    assumeTrue(System.getenv("NETRC") == null, "NETRC is set");
    SharedEmulator.reset();
    runner
        .withPropertyValues("wandb.base-url=" + EMU.baseUrl())
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              WandbClient client = ctx.getBean(WandbClient.class);
              assertThatThrownBy(
                      () -> client.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(10)))
                  .isInstanceOf(WandbAuthenticationException.class)
                  .hasMessageContaining("wandb.api-key")
                  .hasMessageContaining("WANDB_API_KEY");
              assertThat(EMU.requests()).isEmpty();
            });
  }
}
