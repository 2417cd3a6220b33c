package dev.wandb4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbNotFoundException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** An application's own {@link WandbErrorStatus} bean decides the statuses. */
class ErrorStatusOverrideTest {
  @Test
  void aWandbErrorStatusBeanReplacesTheDefaultsForTheHandlerAndTheProxy() {
    WandbErrorStatus standard = WandbErrorStatus.defaults();
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class))
        .withPropertyValues("wandb.api-key=k")
        .withBean(
            WandbErrorStatus.class,
            () ->
                e ->
                    e instanceof WandbAuthenticationException
                        ? HttpStatus.SERVICE_UNAVAILABLE
                        : standard.statusFor(e))
        .run(
            ctx -> {
              WandbExceptionHandler handler = ctx.getBean(WandbExceptionHandler.class);
              MockServerWebExchange refused =
                  MockServerWebExchange.from(MockServerHttpRequest.get("/files/a"));
              handler
                  .handle(
                      refused,
                      new WandbAuthenticationException("refused", 401, "POST", "/graphql", ""))
                  .block(Duration.ofSeconds(5));
              assertThat(refused.getResponse().getStatusCode())
                  .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);

              MockServerWebExchange missing =
                  MockServerWebExchange.from(MockServerHttpRequest.get("/files/b"));
              handler
                  .handle(missing, new WandbNotFoundException("gone"))
                  .block(Duration.ofSeconds(5));
              assertThat(missing.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
              assertThat(missing.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
                  .contains("\"status\":404")
                  .doesNotContain("gone");
            });
  }

  @Test
  void theDefaultsMapEachKindOfFailure() {
    WandbErrorStatus d = WandbErrorStatus.defaults();
    assertThat(d.statusFor(new WandbNotFoundException("x"))).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(
            d.statusFor(
                new dev.wandb4j.error.WandbRateLimitedException(
                    "x", "GET", "/", Duration.ofSeconds(3))))
        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(
            d.statusFor(
                new dev.wandb4j.error.WandbConnectionException(
                    "x", new java.util.concurrent.TimeoutException())))
        .isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
    assertThat(
            d.statusFor(
                new dev.wandb4j.error.WandbConnectionException(
                    "x", new java.net.ConnectException("refused"))))
        .isEqualTo(HttpStatus.BAD_GATEWAY);
    assertThat(d.statusFor(new WandbAuthenticationException("x", 401, "GET", "/", "")))
        .isEqualTo(HttpStatus.BAD_GATEWAY);
    assertThat(
            d.statusFor(
                new dev.wandb4j.error.WandbDeleteException(
                    "x", 0, 1, new WandbNotFoundException("gone"))))
        .isEqualTo(HttpStatus.NOT_FOUND);
  }
}
