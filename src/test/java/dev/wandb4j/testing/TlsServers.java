package dev.wandb4j.testing;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made once per test JVM with the JDK's
 * keytool, and the server and client sides of TLS built on it.
 */
public final class TlsServers {
  public static final String PASSWORD = "changeit";
  private static Path keyStoreFile;
  private static KeyStore keyStore;

  private TlsServers() {}

  /** The PKCS12 file holding the key and certificate. */
  public static synchronized Path keyStoreFile() throws Exception {
    if (keyStoreFile == null) {
      Path dir = Files.createTempDirectory("wandb4j-tls");
      dir.toFile().deleteOnExit();
      Path ks = generate(dir.resolve("server.p12"), "ip:127.0.0.1,dns:localhost");
      ks.toFile().deleteOnExit();
      keyStoreFile = ks;
    }
    return keyStoreFile;
  }

  public static synchronized KeyStore keyStore() throws Exception {
    if (keyStore == null) {
      keyStore = load(keyStoreFile());
    }
    return keyStore;
  }

  /**
   * Makes a PKCS12 file with a fresh key and a self-signed certificate (alias {@code server},
   * password {@link #PASSWORD}) for the given subject alternative names.
   *
   * @param file where to write it
   * @param san keytool's form, e.g. {@code ip:127.0.0.1,dns:localhost}
   * @return {@code file}
   */
  public static Path generate(Path file, String san) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=wandb4j-test",
                "-ext",
                "SAN=" + san,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed");
    }
    return file;
  }

  /** Loads a PKCS12 file made by {@link #generate}. */
  public static KeyStore load(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  /** A server context; with {@code http2}, ALPN offers h2 before http/1.1. */
  public static SslContext server(SslProvider engine, boolean http2) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore(), PASSWORD.toCharArray());
    SslContextBuilder b = SslContextBuilder.forServer(kmf).sslProvider(engine);
    if (http2) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2,
              ApplicationProtocolNames.HTTP_1_1));
    }
    return b.build();
  }

  /** Trust managers that trust the test certificate and nothing else. */
  public static TrustManagerFactory trust() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", keyStore().getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }
}
