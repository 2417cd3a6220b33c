package dev.wandb4j.testing;

import dev.wandb4j.WandbClient;
import java.time.Duration;

/** Clients for tests: fast retries, short timeouts, a recognisable key. */
public final class TestClients {
  /** A key that tests search for in messages and logs. */
  public static final String API_KEY = "k3y-0123456789abcdef0123456789abcdef01234567";

  private TestClients() {}

  public static WandbClient.Builder builder(String baseUrl) {
    return WandbClient.builder()
        .baseUrl(baseUrl)
        .apiKey(API_KEY)
        .maxRetries(3)
        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .timeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(10));
  }

  public static WandbClient client(String baseUrl) {
    return builder(baseUrl).build();
  }
}
