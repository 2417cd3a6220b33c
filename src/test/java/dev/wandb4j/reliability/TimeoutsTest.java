package dev.wandb4j.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.RawHttpServer;
import dev.wandb4j.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** Servers that go quiet: the configured timeouts fire, retries run out, nothing hangs. */
class TimeoutsTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path root;
  private WandbClient client;
  private RawHttpServer server;

  @BeforeEach
  void setUp() {
    client =
        TestClients.builder(api.baseUrl())
            .readTimeout(Duration.ofMillis(300))
            .timeout(Duration.ofMillis(500))
            .maxRetries(2)
            .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  private File listed(long size) {
    ObjectNode n = Fixtures.node("quiet.bin", "id1", size, api.baseUrl());
    n.put("url", server.baseUrl() + "/quiet.bin");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(n))));
    return client.run("acme/proj/r1").files().blockFirst(Duration.ofSeconds(10));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aServerThatNeverSendsHeadersTimesOut() throws Exception {
    server = new RawHttpServer((n, req, out) -> sleep(20_000));
    File f = listed(10);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbConnectionException.class)
                    .hasMessageContaining("Timed out"))
        .verify(Duration.ofSeconds(10));
    assertThat(server.requests()).hasSize(3);
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aServerThatStopsSendingMidBodyTimesOutAndIsResumedThenGivenUp() throws Exception {
    byte[] half = new byte[50_000];
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(
                  out,
                  n == 0 ? 200 : 206,
                  n == 0 ? "Content-Length: 100000" : "Content-Length: 50000",
                  n == 0 ? "X-A: b" : "Content-Range: bytes 50000-99999/100000");
              if (n == 0) {
                out.write(half);
              }
              out.flush();
              sleep(20_000);
            });
    File f = listed(100_000);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("broke after 50000 bytes"))
        .verify(Duration.ofSeconds(10));
    assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=50000-");
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aGraphQlServerThatNeverAnswersTimesOutPerAttempt() throws Exception {
    server = new RawHttpServer((n, req, out) -> sleep(20_000));
    try (WandbClient c =
        TestClients.builder(server.baseUrl())
            .timeout(Duration.ofMillis(300))
            .maxRetries(1)
            .build()) {
      StepVerifier.create(c.run("acme/proj/r1").fileCount())
          .expectError(WandbConnectionException.class)
          .verify(Duration.ofSeconds(10));
    }
    assertThat(server.requests()).hasSize(2);
  }
}
