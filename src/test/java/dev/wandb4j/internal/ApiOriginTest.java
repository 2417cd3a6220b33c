package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiOriginTest {
  @ParameterizedTest
  @CsvSource({
    "https://api.wandb.ai, https://api.wandb.ai/graphql, true",
    "https://api.wandb.ai, https://API.WANDB.AI:443/files/a, true",
    "https://api.wandb.ai, http://api.wandb.ai/graphql, false",
    "https://api.wandb.ai, https://api.wandb.ai:8443/graphql, false",
    "https://api.wandb.ai, https://storage.googleapis.com/x, false",
    "https://api.wandb.ai, https://api.wandb.ai.evil.com/x, false",
    "https://w.example.com/api, https://w.example.com/api/graphql, true",
    "https://w.example.com/api, https://w.example.com/api, true",
    "https://w.example.com/api, https://w.example.com/apix/graphql, false",
    "https://w.example.com/api, https://w.example.com/other, false",
    "http://localhost:8080, http://localhost:8080/files/a, true",
    "http://localhost:8080, http://localhost:8081/files/a, false",
  })
  void credentialsGoOnlyToTheSameSchemeHostPortAndPathPrefix(
      String base, String target, boolean allowed) {
    assertThat(ApiOrigin.of(URI.create(base)).contains(URI.create(target))).isEqualTo(allowed);
  }
}
