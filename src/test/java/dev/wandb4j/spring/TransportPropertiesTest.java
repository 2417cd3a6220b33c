package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.EMU;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.WandbClient;
import dev.wandb4j.testing.ConnectProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

/** The transport's properties: a proxy, HTTP/2, plain http, each reaching the client's builder. */
class TransportPropertiesTest {
  private final ReactiveWebApplicationContextRunner runner =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class))
          .withPropertyValues("wandb.base-url=" + EMU.baseUrl(), "wandb.api-key=" + EMU.apiKey());

  @Test
  void theHttpProxyPropertiesSendTheClientThroughTheProxyWithItsCredentials() throws Exception {
    SharedEmulator.reset();
    try (ConnectProxy proxy = new ConnectProxy("proxy-user", "proxy-pass")) {
      runner
          .withPropertyValues(
              "wandb.http-proxy.host=127.0.0.1",
              "wandb.http-proxy.port=" + proxy.port(),
              "wandb.http-proxy.username=proxy-user",
              "wandb.http-proxy.password=proxy-pass")
          .run(
              ctx -> {
                assertThat(ctx).hasNotFailed();
                WandbClient client = ctx.getBean(WandbClient.class);
                assertThat(client.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(30)))
                    .isPositive();
              });
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("proxy-user:proxy-pass".getBytes(StandardCharsets.UTF_8));
      assertThat(proxy.tunnels())
          .isNotEmpty()
          .allSatisfy(t -> assertThat(t.authorization()).isEqualTo(basic));
    }
  }

  @Test
  void nonProxyHostsAndADisabledProxyAreReachedDirectly() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy(null, null)) {
      runner
          .withPropertyValues(
              "wandb.http-proxy.host=127.0.0.1",
              "wandb.http-proxy.port=" + proxy.port(),
              "wandb.http-proxy.non-proxy-hosts=127.0.0.1")
          .run(ctx -> assertThat(fileCount(ctx.getBean(WandbClient.class))).isPositive());
      runner
          .withPropertyValues(
              "wandb.http-proxy.enabled=false",
              "wandb.http-proxy.host=127.0.0.1",
              "wandb.http-proxy.port=" + proxy.port())
          .run(ctx -> assertThat(fileCount(ctx.getBean(WandbClient.class))).isPositive());
      assertThat(proxy.tunnels()).isEmpty();
    }
  }

  @Test
  void aProxyHostWithoutAPortOrAUserWithoutAPasswordStopsTheStart() {
    runner
        .withPropertyValues("wandb.http-proxy.host=proxy.example.com")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("httpProxy.port"));
    runner
        .withPropertyValues(
            "wandb.http-proxy.host=proxy.example.com",
            "wandb.http-proxy.port=3128",
            "wandb.http-proxy.username=u")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("httpProxy.password"));
  }

  @Test
  void http2AndPlainHttpAreTheBuildersSettings() {
    runner
        .withPropertyValues("wandb.http2=true")
        .run(ctx -> assertThat(fileCount(ctx.getBean(WandbClient.class))).isPositive());
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class))
        .withPropertyValues("wandb.base-url=http://wandb.example.com", "wandb.api-key=k")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("clear text")
                    .hasMessageContaining("wandb.allow-plain-http"));
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class))
        .withPropertyValues(
            "wandb.base-url=http://wandb.example.com",
            "wandb.api-key=k",
            "wandb.allow-plain-http=true")
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(WandbClient.class));
  }

  private static long fileCount(WandbClient client) {
    return client.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(30));
  }
}
