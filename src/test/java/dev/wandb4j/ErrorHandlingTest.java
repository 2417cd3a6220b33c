package dev.wandb4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbRateLimitedException;
import dev.wandb4j.testing.TestClients;
import dev.wandb4j.testing.WireMockApiTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class ErrorHandlingTest extends WireMockApiTest {

  private static final String COUNT = "{\"data\":{\"project\":{\"run\":{\"fileCount\":7}}}}";

  private int requests() {
    return api.findAll(postRequestedFor(urlEqualTo("/graphql"))).size();
  }

  private void failThenSucceed(
      int times, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
    String state = STARTED;
    for (int i = 0; i < times; i++) {
      String next = "after-" + i;
      api.stubFor(
          post("/graphql")
              .inScenario("flaky")
              .whenScenarioStateIs(state)
              .willReturn(failure)
              .willSetStateTo(next));
      state = next;
    }
    api.stubFor(
        post("/graphql").inScenario("flaky").whenScenarioStateIs(state).willReturn(okJson(COUNT)));
  }

  @Test
  void unauthorizedIsAnAuthenticationErrorThatIsNotRetriedAndHidesTheKey() {
    api.stubFor(post("/graphql").willReturn(aResponse().withStatus(401).withBody("bad key")));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbAuthenticationException.class);
              assertThat(((WandbAuthenticationException) e).status()).isEqualTo(401);
              assertThat(((WandbException) e).isRetryable()).isFalse();
              assertThat(e.getMessage()).contains("API key").doesNotContain(TestClients.API_KEY);
            })
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void forbiddenIsAnAuthenticationError() {
    api.stubFor(post("/graphql").willReturn(aResponse().withStatus(403)));
    StepVerifier.create(run.fileCount())
        .expectError(WandbAuthenticationException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void notFoundNamesTheRun() {
    api.stubFor(post("/graphql").willReturn(aResponse().withStatus(404)));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbNotFoundException.class)
                    .hasMessageContaining("acme/proj/run1"))
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void serverErrorsAreRetriedUntilTheySucceed() {
    failThenSucceed(2, aResponse().withStatus(503));
    StepVerifier.create(run.fileCount()).expectNext(7L).verifyComplete();
    assertThat(requests()).isEqualTo(3);
  }

  @Test
  void serverErrorsThatOutlastTheRetriesSurfaceAsHttpErrors() {
    api.stubFor(post("/graphql").willReturn(aResponse().withStatus(502).withBody("upstream down")));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbHttpException.class);
              WandbHttpException h = (WandbHttpException) e;
              assertThat(h.status()).isEqualTo(502);
              assertThat(h.isRetryable()).isTrue();
              assertThat(h.method()).isEqualTo("POST");
              assertThat(h.uri()).isEqualTo(api.baseUrl() + "/graphql");
              assertThat(h.bodyExcerpt()).isEqualTo("upstream down");
            })
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(4);
  }

  @Test
  void notImplementedIsNotRetried() {
    api.stubFor(post("/graphql").willReturn(aResponse().withStatus(501)));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(e -> assertThat(((WandbHttpException) e).status()).isEqualTo(501))
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void otherClientErrorsCarryABoundedExcerpt() {
    api.stubFor(
        post("/graphql").willReturn(aResponse().withStatus(400).withBody("x".repeat(5000))));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> {
              WandbHttpException h = (WandbHttpException) e;
              assertThat(h.status()).isEqualTo(400);
              assertThat(h.bodyExcerpt()).hasSize(1024);
              assertThat(h.isRetryable()).isFalse();
            })
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void rateLimitingIsRetriedHonouringRetryAfter() {
    failThenSucceed(1, aResponse().withStatus(429).withHeader("Retry-After", "1"));
    long start = System.nanoTime();
    StepVerifier.create(run.fileCount()).expectNext(7L).verifyComplete();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(requests()).isEqualTo(2);
  }

  @Test
  void rateLimitingThatOutlastsTheRetriesSaysWhenToComeBack() {
    api.stubFor(
        post("/graphql").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbRateLimitedException.class);
              assertThat(((WandbRateLimitedException) e).retryAfter()).isEqualTo(Duration.ZERO);
              assertThat(((WandbException) e).isRetryable()).isTrue();
            })
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(4);
  }

  @Test
  void aLongRetryAfterIsBoundedByTheClientsMaximum() {
    client.close();
    client = TestClients.builder(api.baseUrl()).maxRetryAfter(Duration.ofMillis(200)).build();
    run = client.run("acme/proj/run1");
    failThenSucceed(1, aResponse().withStatus(429).withHeader("Retry-After", "3600"));
    StepVerifier.create(run.fileCount())
        .expectNext(7L)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void connectionResetsAreRetried() {
    failThenSucceed(2, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    StepVerifier.create(run.fileCount()).expectNext(7L).verifyComplete();
    assertThat(requests()).isEqualTo(3);
  }

  @Test
  void connectionFailuresThatOutlastTheRetriesAreConnectionErrors() {
    api.stubFor(post("/graphql").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbConnectionException.class);
              assertThat(((WandbException) e).isRetryable()).isTrue();
              assertThat(e.getMessage()).contains("acme/proj/run1");
            })
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(4);
  }

  @Test
  void anAttemptThatTakesTooLongTimesOutAndIsRetried() {
    client.close();
    client =
        TestClients.builder(api.baseUrl()).timeout(Duration.ofMillis(300)).maxRetries(1).build();
    run = client.run("acme/proj/run1");
    failThenSucceed(1, okJson(COUNT).withFixedDelay(2000));
    StepVerifier.create(run.fileCount())
        .expectNext(7L)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(requests()).isEqualTo(2);
  }

  @Test
  void graphQlErrorsAreTypedWithMessagesAndPathsAndNotRetried() {
    api.stubFor(
        post("/graphql")
            .willReturn(
                okJson(
                    "{\"errors\":[{\"message\":\"permission denied\",\"path\":[\"project\",\"run\"]},"
                        + "{\"message\":\"second\"}],\"data\":null}")));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbGraphQlException.class);
              WandbGraphQlException g = (WandbGraphQlException) e;
              assertThat(g.operationName()).isEqualTo("RunFileCount");
              assertThat(g.errors()).hasSize(2);
              assertThat(g.errors().get(0).message()).isEqualTo("permission denied");
              assertThat(g.errors().get(0).path()).containsExactly("project", "run");
              assertThat(g.getMessage()).contains("permission denied").contains("second");
              assertThat(g.isRetryable()).isFalse();
            })
        .verify(Duration.ofSeconds(10));
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void aResponseLargerThanTheCapIsRefused() {
    client.close();
    client = TestClients.builder(api.baseUrl()).maxResponseBytes(4096).build();
    run = client.run("acme/proj/run1");
    api.stubFor(
        post("/graphql")
            .willReturn(okJson("{\"data\":{\"padding\":\"" + "p".repeat(100_000) + "\"}}")));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbException.class).hasMessageContaining("4096"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void deeplyNestedJsonIsRefused() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    api.stubFor(post("/graphql").willReturn(okJson("{\"data\":{\"project\":" + deep + "}}")));
    StepVerifier.create(run.fileCount())
        .expectError(WandbException.class)
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aClosedClientFailsFast() {
    client.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.run("a/b/c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    StepVerifier.create(run.fileCount())
        .expectError(IllegalStateException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(requests()).isZero();
  }
}
