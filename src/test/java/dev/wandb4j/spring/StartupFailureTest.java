package dev.wandb4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * A wrong {@code wandb.*} value stops the application at startup, and Boot's failure report names
 * the property, its value and what is wrong with it.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(WandbAutoConfiguration.class)
  static class App {}

  private static void start(String... args) {
    new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run(args);
  }

  @Test
  void aPortOutOfRangeNamesTheBaseUrl(CapturedOutput output) {
    assertThatThrownBy(() -> start("--wandb.base-url=http://127.0.0.1:99999", "--wandb.api-key=k"))
        .isNotNull();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("wandb.base-url")
        .contains("http://127.0.0.1:99999")
        .contains("port");
  }

  @Test
  void aNonHttpUrlNamesTheBaseUrl(CapturedOutput output) {
    assertThatThrownBy(() -> start("--wandb.base-url=ftp://example.com", "--wandb.api-key=k"))
        .isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START").contains("wandb.base-url");
  }

  @Test
  void aZeroTimeoutNamesTheTimeout(CapturedOutput output) {
    assertThatThrownBy(() -> start("--wandb.timeout=0s", "--wandb.api-key=k")).isNotNull();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("wandb.timeout")
        .doesNotContain("wandb.api-key=k");
  }

  @Test
  void noConnectionsNamesMaxConnections(CapturedOutput output) {
    assertThatThrownBy(() -> start("--wandb.max-connections=0", "--wandb.api-key=k")).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START").contains("wandb.max-connections");
  }

  @Test
  void aLongestBackoffShorterThanTheFirstNamesIt(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                start(
                    "--wandb.retry-first-backoff=10s",
                    "--wandb.retry-max-backoff=1s",
                    "--wandb.api-key=k"))
        .isNotNull();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("wandb.retry-max-backoff")
        .contains("must not be shorter than wandb.retry-first-backoff");
  }
}
