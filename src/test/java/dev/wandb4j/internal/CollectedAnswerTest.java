package dev.wandb4j.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

/** A timeout that fires while an answer is being parsed leaves its buffers to the parser. */
class CollectedAnswerTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private HttpCore http;

  @BeforeEach
  void setUp() {
    ClientSettings settings =
        new ClientSettings(
            URI.create(api.baseUrl()),
            "k",
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1)),
            "test",
            1 << 20,
            null);
    http = new HttpCore(settings, new TransferBudget(1 << 20), TransportOptions.defaults(4));
  }

  @AfterEach
  void tearDown() {
    http.closeAsync().block(Duration.ofSeconds(5));
  }

  @Test
  void aTimeoutDuringParsingDoesNotFreeTheBufferTheParserReads() throws Exception {
    String answer = "{\"data\":" + "\"x\"".repeat(1) + ",\"pad\":\"" + "p".repeat(50_000) + "\"}";
    api.stubFor(post("/graphql").willReturn(okJson(answer)));
    CountDownLatch timedOut = new CountDownLatch(1);
    AtomicReference<Object> readAfterTimeout = new AtomicReference<>();
    AtomicReference<ByteBuf> seen = new AtomicReference<>();
    HttpCore.BodyParser<String> slowParser =
        body -> {
          seen.set(body);
          // The caller's timeout fires while this parser still holds the body.
          timedOut.await(5, TimeUnit.SECONDS);
          Thread.sleep(50);
          try {
            readAfterTimeout.set(body.toString(StandardCharsets.UTF_8));
          } catch (RuntimeException e) {
            readAfterTimeout.set(e);
          }
          return "parsed";
        };
    StepVerifier.create(
            http.postJson(
                    URI.create(api.baseUrl() + "/graphql"),
                    new byte[] {'{', '}'},
                    slowParser,
                    "a page")
                .timeout(Duration.ofMillis(300))
                .doOnError(e -> timedOut.countDown()))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (readAfterTimeout.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(readAfterTimeout.get()).isEqualTo(answer);
    // Released once the parser returned, not before and not never.
    while (seen.get().refCnt() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(seen.get().refCnt()).isZero();
  }
}
