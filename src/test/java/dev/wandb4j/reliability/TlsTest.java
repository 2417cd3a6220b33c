package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.testing.TlsServers;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * TLS is verified by default: a self-signed server is refused unless trust is configured, a
 * certificate for another host is refused even when trusted, and https never downgrades to http.
 */
class TlsTest {
  @TempDir Path dir;

  private KeyStore keyStore(String san) throws Exception {
    return TlsServers.load(
        TlsServers.generate(dir.resolve(san.replaceAll("[^a-z0-9]", "_") + ".p12"), san));
  }

  private static DisposableServer server(KeyStore store, String redirectTo) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, TlsServers.PASSWORD.toCharArray());
    SslContext ssl = SslContextBuilder.forServer(kmf).build();
    return HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .secure(spec -> spec.sslContext(ssl))
        .route(
            r ->
                r.post(
                        "/graphql",
                        (req, res) ->
                            res.header("Content-Type", "application/json")
                                .sendString(
                                    Mono.fromSupplier(
                                        () ->
                                            "{\"data\":{\"project\":{\"run\":{\"fileCount\":3,"
                                                + "\"projectId\":1,\"files\":{\"edges\":[{\"node\":"
                                                + "{\"id\":\"id1\",\"name\":\"a.bin\",\"url\":\"https://"
                                                + req.requestHeaders().get("Host")
                                                + "/files/a.bin\",\"directUrl\":\"\",\"sizeBytes\":3},"
                                                + "\"cursor\":\"c1\"}],\"pageInfo\":{\"endCursor\":"
                                                + "\"c1\",\"hasNextPage\":false}}}}}}")))
                    .get(
                        "/files/a.bin",
                        (req, res) -> res.status(302).header("Location", redirectTo).send()))
        .bindNow();
  }

  private static TrustManagerFactory trusting(KeyStore store) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", store.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  @Test
  void aSelfSignedServerIsRefusedUnlessItsCertificateIsTrusted() throws Exception {
    KeyStore store = keyStore("ip:127.0.0.1");
    DisposableServer server = server(store, "http://127.0.0.1:1/x");
    String base = "https://127.0.0.1:" + server.port();
    try {
      try (WandbClient c = WandbClient.builder().baseUrl(base).apiKey("k").maxRetries(0).build()) {
        StepVerifier.create(c.run("acme/proj/r1").fileCount())
            .expectErrorSatisfies(
                e -> {
                  assertThat(e).isInstanceOf(WandbConnectionException.class);
                  assertThat(e.getCause()).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
                  assertThat(e).hasMessageContaining("trustManagerFactory");
                  assertThat(((dev.wandb4j.error.WandbException) e).isRetryable()).isFalse();
                })
            .verify(Duration.ofSeconds(20));
      }
      try (WandbClient c =
          WandbClient.builder()
              .baseUrl(base)
              .apiKey("k")
              .trustManagerFactory(trusting(store))
              .build()) {
        assertThat(c.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(20))).isEqualTo(3L);
      }
    } finally {
      server.disposeNow();
    }
  }

  @Test
  void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
    KeyStore store = keyStore("dns:somewhere.example");
    DisposableServer server = server(store, "http://127.0.0.1:1/x");
    try (WandbClient c =
        WandbClient.builder()
            .baseUrl("https://127.0.0.1:" + server.port())
            .apiKey("k")
            .maxRetries(0)
            .trustManagerFactory(trusting(store))
            .build()) {
      StepVerifier.create(c.run("acme/proj/r1").fileCount())
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(WandbConnectionException.class)
                      .hasRootCauseInstanceOf(java.security.cert.CertificateException.class))
          .verify(Duration.ofSeconds(20));
    } finally {
      server.disposeNow();
    }
  }

  @Test
  void aRedirectFromHttpsToPlainHttpIsRefused(@TempDir Path root) throws Exception {
    KeyStore store = keyStore("ip:127.0.0.1");
    DisposableServer server = server(store, "http://127.0.0.1:9/bucket/a.bin?sig=s");
    String base = "https://127.0.0.1:" + server.port();
    try (WandbClient c =
        WandbClient.builder()
            .baseUrl(base)
            .apiKey("k")
            .trustManagerFactory(trusting(store))
            .build()) {
      dev.wandb4j.File f = c.run("acme/proj/r1").files().blockFirst(Duration.ofSeconds(20));
      assertThat(f.url()).startsWith("https://");
      StepVerifier.create(f.download(root))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(WandbHttpException.class)
                      .hasMessageContaining("from https to plain http")
                      .hasMessageNotContaining("sig=s"))
          .verify(Duration.ofSeconds(20));
    } finally {
      server.disposeNow();
    }
  }
}
