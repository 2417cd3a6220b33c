package dev.wandb4j.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed certificates for TLS servers in tests, made with the JDK's keytool. */
public final class SelfSigned {
  private SelfSigned() {}

  /**
   * A key and a self-signed certificate for {@code 127.0.0.1}, valid for two days.
   *
   * @param dir where the key store file is written
   * @return the store, password {@code changeit}, alias {@code server}
   */
  public static KeyStore forLoopback(Path dir) throws Exception {
    Path ks = Files.createTempFile(dir, "server", ".p12");
    Files.delete(ks);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=wandb4j-test",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "keytool failed: " + new String(p.getInputStream().readAllBytes()));
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    return store;
  }

  /** Trust in exactly the certificate of {@code store}. */
  public static TrustManagerFactory trusting(KeyStore store) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", store.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }
}
