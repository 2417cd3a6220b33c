package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.BIG_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.spring.app.ProxyApplication;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** An upstream that stays silent past the read timeout is a gateway timeout. */
@SpringBootTest(
    classes = ProxyApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "wandb.max-retries=1",
      "wandb.retry-first-backoff=10ms",
      "wandb.retry-max-backoff=20ms",
      "wandb.read-timeout=300ms"
    })
class ProxyTimeoutStatusTest {
  @DynamicPropertySource
  static void wandb(DynamicPropertyRegistry registry) {
    registry.add("wandb.base-url", SharedEmulator.EMU::baseUrl);
    registry.add("wandb.api-key", SharedEmulator.EMU::apiKey);
  }

  @Autowired Environment env;

  @BeforeEach
  void clear() {
    SharedEmulator.reset();
  }

  @Test
  void aSilentUpstreamIsAGatewayTimeout() {
    BIG.faults().delayFirstByte(Duration.ofSeconds(3));
    try {
      WebTestClient.bindToServer()
          .baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port"))
          .responseTimeout(Duration.ofSeconds(20))
          .build()
          .get()
          .uri(BIG_PATH)
          .exchange()
          .expectStatus()
          .isEqualTo(504)
          .expectHeader()
          .contentType("application/problem+json")
          .expectBody()
          .returnResult();
    } finally {
      BIG.faults().clear();
    }
    assertThat(SharedEmulator.storageRequests()).isEqualTo(2);
  }
}
