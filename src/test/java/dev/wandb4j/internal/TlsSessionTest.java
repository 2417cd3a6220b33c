package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.testing.TlsServers;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.net.Socket;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.util.Loggers;

/**
 * TLS goes through OpenSSL when it loads (it does in the tests: netty-tcnative-boringssl-static is
 * on the class path), says so once at debug, and a new connection to a host the client has talked
 * to resumes its session instead of a full handshake, with either engine.
 */
class TlsSessionTest {
  @Test
  void openSslIsTheEngineWhereItLoadsAndThatIsLoggedOnceAtDebug() {
    assertThat(OpenSsl.isAvailable()).as(String.valueOf(OpenSsl.unavailabilityCause())).isTrue();
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLoggerName().endsWith("internal.Tls")) {
              lines.add(
                  record.getLevel()
                      + " "
                      + new java.util.logging.SimpleFormatter().formatMessage(record));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger jul = Logger.getLogger("dev.wandb4j.internal.Tls");
    Level before = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.addHandler(capture);
    Loggers.useJdkLoggers();
    try {
      Tls.forgetLogged();
      assertThat(Tls.engine()).isEqualTo(SslProvider.OPENSSL);
      assertThat(Tls.engine()).isEqualTo(SslProvider.OPENSSL);
    } finally {
      jul.removeHandler(capture);
      jul.setLevel(before);
      Loggers.resetLoggerFactory();
    }
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("FINE").contains("BoringSSL");
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"OPENSSL", "JDK"})
  void aSecondConnectionToTheSameHostResumesTheSession(SslProvider engine) throws Exception {
    io.netty.handler.ssl.SslContext tls = TlsServers.server(SslProvider.JDK, false);
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .secure(s -> s.sslContext(tls))
            // Every answer closes its connection: each request needs a handshake.
            .route(
                r ->
                    r.get(
                        "/f",
                        (req, res) ->
                            res.header("Connection", "close").sendString(Mono.just("hello"))))
            .bindNow();
    CountingTrust trust = new CountingTrust(TlsServers.trust());
    ClientSettings settings =
        new ClientSettings(
            URI.create("https://127.0.0.1:" + server.port()),
            "k",
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1)),
            "test",
            1 << 20,
            null);
    HttpCore http =
        new HttpCore(
            settings,
            new TransferBudget(1 << 20),
            new TransportOptions(
                null, null, 4, false, null, trust, false, Proxies.NONE, null, engine));
    try {
      for (int i = 0; i < 3; i++) {
        String got =
            http.get(
                    URI.create("https://127.0.0.1:" + server.port() + "/f"),
                    0,
                    null,
                    res -> {},
                    "f")
                .map(
                    b -> {
                      String s = b.toString(java.nio.charset.StandardCharsets.UTF_8);
                      b.release();
                      return s;
                    })
                .reduce(String::concat)
                .block(Duration.ofSeconds(10));
        assertThat(got).isEqualTo("hello");
      }
    } finally {
      http.closeAsync().block(Duration.ofSeconds(5));
      server.disposeNow();
    }
    // Three connections, one full handshake: the server's certificate was checked once.
    assertThat(trust.checks.get()).isEqualTo(1);
  }

  /** Trust managers that count how often a server's certificate chain is checked. */
  static final class CountingTrust extends SimpleTrustManagerFactory {
    final AtomicInteger checks = new AtomicInteger();
    private final X509ExtendedTrustManager counting;

    CountingTrust(javax.net.ssl.TrustManagerFactory real) {
      X509ExtendedTrustManager delegate = (X509ExtendedTrustManager) real.getTrustManagers()[0];
      counting =
          new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine e)
                throws CertificateException {
              checks.incrementAndGet();
              delegate.checkServerTrusted(chain, auth, e);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth, Socket s)
                throws CertificateException {
              checks.incrementAndGet();
              delegate.checkServerTrusted(chain, auth, s);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth)
                throws CertificateException {
              checks.incrementAndGet();
              delegate.checkServerTrusted(chain, auth);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine e)
                throws CertificateException {
              delegate.checkClientTrusted(chain, auth, e);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth, Socket s)
                throws CertificateException {
              delegate.checkClientTrusted(chain, auth, s);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth)
                throws CertificateException {
              delegate.checkClientTrusted(chain, auth);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return delegate.getAcceptedIssuers();
            }
          };
    }

    @Override
    protected void engineInit(KeyStore keyStore) {}

    @Override
    protected void engineInit(ManagerFactoryParameters params) {}

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      return new TrustManager[] {counting};
    }
  }
}
