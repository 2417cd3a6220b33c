package dev.wandb4j.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.testing.LeakDetection;
import dev.wandb4j.testing.TlsServers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * HTTP/2 where the client offers it and the server takes it (ALPN), HTTP/1.1 otherwise; over HTTP/2
 * a paused consumer is still not a dead server, and a dead server still times out.
 */
class Http2Test {
  static final byte[] BODY = new byte[4 << 20];

  static {
    new Random(7).nextBytes(BODY);
  }

  @TempDir Path root;
  private DisposableServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.disposeNow();
    }
  }

  private String start(boolean offersHttp2) throws Exception {
    io.netty.handler.ssl.SslContext tls = TlsServers.server(SslProvider.OPENSSL, offersHttp2);
    HttpServer s =
        HttpServer.create().host("127.0.0.1").port(0).secure(spec -> spec.sslContext(tls));
    if (offersHttp2) {
      s = s.protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
    }
    server =
        s.route(
                r ->
                    r.post(
                            "/graphql",
                            (req, res) -> {
                              seen.add("POST " + req.version());
                              String url = "https://127.0.0.1:" + req.hostPort() + "/files/";
                              return res.header("Content-Type", "application/json")
                                  .sendString(
                                      Mono.just(
                                          "{\"data\":{\"project\":{\"run\":{\"projectId\":1,"
                                              + "\"files\":{\"edges\":["
                                              + node("a.bin", url)
                                              + ","
                                              + node("stall.bin", url)
                                              + "],\"pageInfo\":{\"endCursor\":\"c\","
                                              + "\"hasNextPage\":false}}}}}}"));
                            })
                        .get(
                            "/files/a.bin",
                            (req, res) -> {
                              seen.add("GET " + req.version());
                              return res.header("Content-Length", String.valueOf(BODY.length))
                                  .send(
                                      Flux.range(0, BODY.length / 65536)
                                          .map(
                                              i -> Unpooled.wrappedBuffer(BODY, i * 65536, 65536)));
                            })
                        .get(
                            "/files/stall.bin",
                            (req, res) ->
                                res.header("Content-Length", String.valueOf(BODY.length))
                                    .send(
                                        Flux.concat(
                                            Mono.just(Unpooled.wrappedBuffer(BODY, 0, 100_000)),
                                            Mono.never()))))
            .bindNow();
    return "https://127.0.0.1:" + server.port();
  }

  private static String node(String name, String url) {
    return "{\"node\":{\"id\":\""
        + name
        + "\",\"name\":\""
        + name
        + "\",\"url\":\""
        + url
        + name
        + "\",\"directUrl\":\"\",\"sizeBytes\":"
        + BODY.length
        + "},\"cursor\":\"c\"}";
  }

  private WandbClient client(String base, boolean http2, Duration readTimeout) throws Exception {
    return WandbClient.builder()
        .baseUrl(base)
        .apiKey("k")
        .trustManagerFactory(TlsServers.trust())
        .http2(http2)
        .readTimeout(readTimeout)
        .maxRetries(0)
        .build();
  }

  /** Finds a.bin, downloads it and checks its bytes, with a client offering HTTP/2 or not. */
  private void listAndDownload(String base, boolean http2) throws Exception {
    try (WandbClient c = client(base, http2, Duration.ofSeconds(10))) {
      File f = c.run("acme/proj/r1").file("a.bin").block(Duration.ofSeconds(10));
      Path p = f.download(root).block(Duration.ofSeconds(20));
      assertThat(Files.readAllBytes(p)).isEqualTo(BODY);
    }
  }

  @Test
  void withHttp2OfferedListingAndDownloadGoOverHttp2() throws Exception {
    listAndDownload(start(true), true);
    assertThat(seen).containsExactly("POST HTTP/2.0", "GET HTTP/2.0");
  }

  @Test
  void withoutItTheSameServerIsSpokenToInHttp11() throws Exception {
    listAndDownload(start(true), false);
    assertThat(seen).containsExactly("POST HTTP/1.1", "GET HTTP/1.1");
  }

  @Test
  void aServerWithoutHttp2IsSpokenToInHttp11() throws Exception {
    listAndDownload(start(false), true);
    assertThat(seen).containsExactly("POST HTTP/1.1", "GET HTTP/1.1");
  }

  @Test
  void overHttp2AConsumerThatPausesLongerThanTheReadTimeoutGetsItsBytesFromOneRequest()
      throws Exception {
    String base = start(true);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (WandbClient c = client(base, true, Duration.ofSeconds(1))) {
      File f = c.run("acme/proj/r1").file("a.bin").block(Duration.ofSeconds(10));
      StepVerifier.create(
              f.content()
                  .doOnNext(
                      buf -> {
                        byte[] b = new byte[buf.readableBytes()];
                        buf.readBytes(b);
                        buf.release();
                        got.writeBytes(b);
                      }),
              1)
          .expectNextCount(1)
          .thenAwait(Duration.ofMillis(2500))
          .thenRequest(1)
          .expectNextCount(1)
          .thenAwait(Duration.ofMillis(2500))
          .thenRequest(Long.MAX_VALUE)
          .thenConsumeWhile(b -> true)
          .verifyComplete();
    }
    assertThat(got.toByteArray()).isEqualTo(BODY);
    assertThat(seen).containsExactly("POST HTTP/2.0", "GET HTTP/2.0");
    assertThat(LeakDetection.collect()).isEmpty();
  }

  @Test
  void overHttp2AServerThatGoesSilentMidBodyTimesOut() throws Exception {
    String base = start(true);
    try (WandbClient c = client(base, true, Duration.ofMillis(500))) {
      File f = c.run("acme/proj/r1").file("stall.bin").block(Duration.ofSeconds(10));
      StepVerifier.create(f.content().doOnNext(ByteBuf::release))
          .thenConsumeWhile(b -> true)
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(WandbException.class)
                      .hasMessageContaining("stall.bin"))
          .verify(Duration.ofSeconds(5));
    }
  }
}
