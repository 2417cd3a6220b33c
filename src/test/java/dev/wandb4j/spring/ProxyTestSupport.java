package dev.wandb4j.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wandb4j.spring.app.ProxyApplication;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The proxy application of the README against the shared emulator. Subclasses share one application
 * context: retries are few and short, so that failures come back quickly.
 */
@SpringBootTest(
    classes = ProxyApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "wandb.max-retries=2",
      "wandb.retry-first-backoff=10ms",
      "wandb.retry-max-backoff=20ms",
      "wandb.max-retry-after=20ms",
      "wandb.read-timeout=20s",
      "wandb.max-connections=12"
    })
abstract class ProxyTestSupport {
  @DynamicPropertySource
  static void wandb(DynamicPropertyRegistry registry) {
    registry.add("wandb.base-url", SharedEmulator.EMU::baseUrl);
    registry.add("wandb.api-key", SharedEmulator.EMU::apiKey);
  }

  @Autowired Environment env;

  @BeforeEach
  void clearEmulator() {
    SharedEmulator.reset();
  }

  int port() {
    return Integer.parseInt(env.getProperty("local.server.port"));
  }

  WebTestClient web() {
    return WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + port())
        .responseTimeout(Duration.ofSeconds(30))
        .codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20))
        .build();
  }

  /** Parses a JSON body with Jackson 2, whichever Jackson the application itself runs. */
  static JsonNode json(byte[] body) {
    try {
      return new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(body), e);
    }
  }
}
