package dev.wandb4j.internal;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.tcp.SslProvider.ProtocolSslContextSpec;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The client's TLS: through OpenSSL (BoringSSL from {@code netty-tcnative-boringssl-static}) when a
 * native build for this platform is on the class path, else through the JDK's {@code SSLEngine}.
 * One context per client, so every connection of the client shares its session cache and a new
 * connection to a host it has talked to resumes the session instead of a full handshake.
 */
final class Tls {
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private Tls() {}

  /** Looked up when used, which is once or so per JVM: it follows the logging set up by then. */
  private static Logger log() {
    return Loggers.getLogger(Tls.class);
  }

  /** The engine this JVM's clients use: OpenSSL where a native build loads, else the JDK's. */
  static SslProvider engine() {
    SslProvider engine = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    if (LOGGED.compareAndSet(false, true) && log().isDebugEnabled()) {
      if (engine == SslProvider.OPENSSL) {
        log().debug("TLS through {} (netty-tcnative)", OpenSsl.versionString());
      } else {
        Throwable why = OpenSsl.unavailabilityCause();
        log()
            .debug(
                "TLS through the JDK's SSLEngine: no native OpenSSL build loaded ({})",
                why == null ? "none on the class path" : why.toString());
      }
    }
    return engine;
  }

  /** Lets the engine be logged again; for tests. */
  static void forgetLogged() {
    LOGGED.set(false);
  }

  /**
   * The client's TLS context, built once: a trust store that does not work fails the builder, not
   * the first request.
   *
   * @param trust trust managers, or {@code null} for the JDK's default trust store
   * @param http2 whether to offer HTTP/2 through ALPN, besides HTTP/1.1
   * @param engine the engine, {@link #engine()} unless a test says otherwise
   */
  static SslContext context(TrustManagerFactory trust, boolean http2, SslProvider engine) {
    Consumer<SslContextBuilder> settings =
        b -> {
          b.sslProvider(engine);
          if (trust != null) {
            b.trustManager(trust);
          }
        };
    ProtocolSslContextSpec spec =
        http2
            ? Http2SslContextSpec.forClient().configure(settings)
            : Http11SslContextSpec.forClient().configure(settings);
    try {
      return spec.sslContext();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("Could not build a TLS context: " + e.getMessage(), e);
    }
  }
}
