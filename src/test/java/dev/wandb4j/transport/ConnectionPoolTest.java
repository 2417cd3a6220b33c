package dev.wandb4j.transport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.TestClients;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * A client with one connection to the API host: refused redirects give it back, a wait for it is
 * bounded and says so, and the GraphQL attempt's clock does not run while the request waits.
 */
class ConnectionPoolTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path root;

  private static final byte[] GOOD = "the good file".getBytes(StandardCharsets.UTF_8);

  /** Lists twelve files whose URLs are refused redirects, and one that downloads. */
  private void stubRun() {
    List<ObjectNode> nodes = new ArrayList<>();
    String[][] refusals = {
      {"none", null},
      {"blank", " "},
      {"invalid", "http://exa mple.com/%%"},
      {"ftp", "ftp://example.com/x"},
      {"file", "file:///etc/passwd"},
      {"script", "javascript:alert(1)"},
      {"none2", null},
      {"ftp2", "ftp://example.com/y"},
      {"invalid2", "::::"},
      {"file2", "file:///x"},
      {"none3", null},
      {"ftp3", "ftp://h/z"},
    };
    for (String[] r : refusals) {
      ObjectNode n = Fixtures.node(r[0] + ".bin", "id-" + r[0], 3, api.baseUrl());
      n.put("url", api.baseUrl() + "/refused/" + r[0]);
      nodes.add(n);
      var response = aResponse().withStatus(302).withBody("moved, with a body to drain");
      if (r[1] != null) {
        response = response.withHeader("Location", r[1]);
      }
      api.stubFor(get("/refused/" + r[0]).willReturn(response));
    }
    ObjectNode good = Fixtures.node("good.bin", "id-good", GOOD.length, api.baseUrl());
    good.put("url", api.baseUrl() + "/files/good.bin");
    good.put("md5", Fixtures.md5Base64(GOOD));
    nodes.add(good);
    api.stubFor(
        post("/graphql").willReturn(okJson(Fixtures.pageOf(nodes.toArray(ObjectNode[]::new)))));
    api.stubFor(get("/files/good.bin").willReturn(aResponse().withBody(GOOD)));
  }

  @Test
  void aDozenRefusedRedirectsLeaveTheOnlyConnectionFreeForListingAndDownloading() throws Exception {
    stubRun();
    try (WandbClient client = TestClients.builder(api.baseUrl()).maxConnections(1).build()) {
      List<File> files =
          client.run("acme/proj/r1").files().collectList().block(Duration.ofSeconds(10));
      assertThat(files).hasSize(13);
      for (File f : files.subList(0, 12)) {
        StepVerifier.create(f.download(root))
            .expectErrorSatisfies(
                e ->
                    assertThat(e)
                        .isInstanceOf(WandbHttpException.class)
                        .message()
                        .containsIgnoringCase("redirect"))
            .verify(Duration.ofSeconds(10));
      }
      // The pool's one connection is free again: a listing and a download go through.
      assertThat(client.run("acme/proj/r1").files().count().block(Duration.ofSeconds(10)))
          .isEqualTo(13L);
      Path got = files.get(12).download(root).block(Duration.ofSeconds(10));
      assertThat(Files.readAllBytes(got)).isEqualTo(GOOD);
    }
    for (String name :
        List.of(
            "none",
            "blank",
            "invalid",
            "ftp",
            "file",
            "script",
            "none2",
            "ftp2",
            "invalid2",
            "file2",
            "none3",
            "ftp3")) {
      api.verify(1, getRequestedFor(urlEqualTo("/refused/" + name)));
    }
    api.verify(1, getRequestedFor(urlEqualTo("/files/good.bin")));
    api.verify(2, postRequestedFor(urlEqualTo("/graphql")));
  }

  /**
   * A server whose redirect and error bodies start at once and never end: one chunk, then nothing,
   * on a connection kept open. It counts the connections it accepts.
   */
  private static DisposableServer endlessBodies(AtomicInteger connections) {
    return HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .doOnConnection(c -> connections.incrementAndGet())
        .route(
            r ->
                r.post(
                        "/graphql",
                        (req, res) -> {
                          String base = "http://127.0.0.1:" + req.hostPort();
                          ObjectNode redirect = Fixtures.node("endless.bin", "id1", 3, base);
                          redirect.put("url", base + "/endless-redirect");
                          ObjectNode error = Fixtures.node("slow-error.bin", "id2", 3, base);
                          error.put("url", base + "/endless-error");
                          return res.header("Content-Type", "application/json")
                              .sendString(Mono.just(Fixtures.pageOf(redirect, error)));
                        })
                    .get(
                        "/endless-redirect",
                        (req, res) ->
                            res.status(302)
                                .send(
                                    Flux.concat(
                                        Mono.just(
                                            Unpooled.copiedBuffer("moved", StandardCharsets.UTF_8)),
                                        Mono.never())))
                    .get(
                        "/endless-error",
                        (req, res) ->
                            res.status(400)
                                .send(
                                    Flux.concat(
                                        Mono.just(
                                            Unpooled.copiedBuffer("no ", StandardCharsets.UTF_8)),
                                        Mono.never()))))
        .bindNow();
  }

  @Test
  void aRedirectOrErrorBodyThatNeverEndsIsGivenUpOnAndItsConnectionClosed() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    DisposableServer server = endlessBodies(connections);
    try (WandbClient client =
        TestClients.builder("http://127.0.0.1:" + server.port())
            .maxConnections(1)
            .readTimeout(Duration.ofMillis(800))
            .maxRetries(0)
            .build()) {
      List<File> files =
          client.run("acme/proj/r1").files().collectList().block(Duration.ofSeconds(10));
      StepVerifier.create(files.get(0).download(root))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(WandbHttpException.class)
                      .hasMessageContaining("Redirect without a Location"))
          .verify(Duration.ofSeconds(5));
      StepVerifier.create(files.get(1).download(root))
          .expectErrorSatisfies(
              e -> assertThat(e).isInstanceOf(WandbHttpException.class).hasMessageContaining("400"))
          .verify(Duration.ofSeconds(5));
      // Each abandoned body closed its connection; a new one serves the next listing.
      assertThat(client.run("acme/proj/r1").files().count().block(Duration.ofSeconds(10)))
          .isEqualTo(2L);
      assertThat(connections.get()).isGreaterThanOrEqualTo(3);
    } finally {
      server.disposeNow();
    }
  }

  @Test
  void aWaitForTheOnlyConnectionIsBoundedAndSaysItWasThePool() {
    ObjectNode n = Fixtures.node("held.bin", "id-held", 3, api.baseUrl());
    n.put("url", api.baseUrl() + "/files/held");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(n))));
    api.stubFor(get("/files/held").willReturn(aResponse().withBody("abc").withFixedDelay(6_000)));
    try (WandbClient client =
        TestClients.builder(api.baseUrl())
            .maxConnections(1)
            .timeout(Duration.ofMillis(700))
            .readTimeout(Duration.ofSeconds(10))
            .maxRetries(0)
            .build()) {
      File f = client.run("acme/proj/r1").files().blockFirst(Duration.ofSeconds(10));
      api.resetRequests();
      Disposable holding = f.content().doOnNext(b -> b.release()).subscribe(b -> {}, e -> {});
      try {
        await(() -> api.findAll(getRequestedFor(urlEqualTo("/files/held"))).size() == 1);
        StepVerifier.create(client.run("acme/proj/r1").fileCount())
            .expectErrorSatisfies(
                e ->
                    assertThat(e)
                        .isInstanceOf(WandbConnectionException.class)
                        .hasMessageContaining(
                            "No connection to "
                                + URI.create(api.baseUrl()).getHost()
                                + " within 700 ms")
                        .hasMessageContaining("maxConnections")
                        .hasMessageNotContaining("waiting for the server"))
            .verify(Duration.ofSeconds(5));
        // The listing never reached the server: it waited for the connection, then gave up.
        api.verify(0, postRequestedFor(urlEqualTo("/graphql")));
      } finally {
        holding.dispose();
      }
    }
  }

  @Test
  void theGraphQlTimeoutCountsFromTheRequestNotFromTheWaitForAConnection() {
    ObjectNode n = Fixtures.node("busy.bin", "id-busy", 3, api.baseUrl());
    n.put("url", api.baseUrl() + "/files/busy");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(n))));
    api.stubFor(get("/files/busy").willReturn(aResponse().withBody("abc").withFixedDelay(900)));
    try (WandbClient client =
        TestClients.builder(api.baseUrl())
            .maxConnections(1)
            .timeout(Duration.ofMillis(1500))
            .maxRetries(0)
            .build()) {
      File f = client.run("acme/proj/r1").files().blockFirst(Duration.ofSeconds(10));
      api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(n)).withFixedDelay(900)));
      api.resetRequests();
      // The download holds the only connection for 0.9 s; the query then waits 0.9 s for its
      // answer: 1.8 s in all, but neither wait is longer than the 1.5 s timeout.
      Flux<Long> both =
          Flux.merge(
              f.content()
                  .map(
                      b -> {
                        b.release();
                        return 0L;
                      })
                  .then()
                  .thenReturn(0L),
              Flux.defer(
                  () -> {
                    await(
                        () -> api.findAll(getRequestedFor(urlEqualTo("/files/busy"))).size() == 1);
                    return client.run("acme/proj/r1").files().count();
                  }));
      StepVerifier.create(both.filter(c -> c > 0)).expectNext(1L).verifyComplete();
      api.verify(1, postRequestedFor(urlEqualTo("/graphql")));
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
