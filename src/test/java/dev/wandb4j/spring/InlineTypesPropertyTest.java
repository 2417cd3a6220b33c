package dev.wandb4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.spring.app.ProxyApplication;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The list of types shown inline is the application's to choose. */
@SpringBootTest(
    classes = ProxyApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "wandb.proxy.inline-types=text/html")
class InlineTypesPropertyTest {
  @DynamicPropertySource
  static void wandb(DynamicPropertyRegistry registry) {
    registry.add("wandb.base-url", SharedEmulator.EMU::baseUrl);
    registry.add("wandb.api-key", SharedEmulator.EMU::apiKey);
  }

  @Autowired Environment env;

  @Test
  void theConfiguredListReplacesTheDefault() {
    WebTestClient web =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port"))
            .responseTimeout(Duration.ofSeconds(20))
            .build();
    assertThat(
            web.get()
                .uri("/runs/acme/proj/r1/files/media/page.html")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody()
                .returnResult()
                .getResponseHeaders()
                .getContentDisposition()
                .isInline())
        .isTrue();
    assertThat(
            web.get()
                .uri("/runs/acme/proj/r1/files/media/a.png")
                .exchange()
                .expectBody()
                .returnResult()
                .getResponseHeaders()
                .getContentDisposition()
                .isAttachment())
        .isTrue();
  }
}
