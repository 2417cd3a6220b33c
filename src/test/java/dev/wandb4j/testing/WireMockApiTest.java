package dev.wandb4j.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test against a WireMock W&amp;B API: {@link #api} on a free port, and a fresh {@link #client}
 * (fast retries) with a handle on {@link #run} for every test, closed after it.
 */
public abstract class WireMockApiTest {
  @RegisterExtension
  protected static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  protected WandbClient client;
  protected Run run;

  /** The run the tests work on. */
  protected String runPath() {
    return "acme/proj/run1";
  }

  @BeforeEach
  void startClient() {
    client = TestClients.client(api.baseUrl());
    run = client.run(runPath());
  }

  @AfterEach
  void closeClient() {
    client.close();
  }
}
