package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.testing.TlsServers;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * Memory stays flat over TLS: a 1 GiB download over https, its MD5 verified, completes in a JVM
 * with 64 MiB of heap and 64 MiB of direct memory, through OpenSSL and through the JDK's engine,
 * over HTTP/1.1 and over HTTP/2.
 */
class TlsMemoryTest {
  static final int BLOCK = 1 << 20;
  static final int BLOCKS = 1024;
  static final byte[] DATA = new byte[BLOCK];
  static String md5;
  static DisposableServer server;

  @TempDir Path dir;

  @BeforeAll
  static void serve() throws Exception {
    new Random(11).nextBytes(DATA);
    MessageDigest digest = MessageDigest.getInstance("MD5");
    for (int i = 0; i < BLOCKS; i++) {
      digest.update(DATA);
    }
    md5 = Base64.getEncoder().encodeToString(digest.digest());
    SslContext tls = TlsServers.server(SslProvider.OPENSSL, true);
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
            .secure(s -> s.sslContext(tls))
            .route(
                r ->
                    r.post(
                            "/graphql",
                            (req, res) ->
                                res.header("Content-Type", "application/json")
                                    .sendString(
                                        Mono.just(
                                            "{\"data\":{\"project\":{\"run\":{\"projectId\":1,"
                                                + "\"files\":{\"edges\":[{\"node\":{\"id\":\"b\","
                                                + "\"name\":\"big.bin\",\"url\":\"https://127.0.0.1:"
                                                + req.hostPort()
                                                + "/files/big.bin\",\"directUrl\":\"\",\"sizeBytes\":"
                                                + (long) BLOCK * BLOCKS
                                                + ",\"md5\":\""
                                                + md5
                                                + "\"},\"cursor\":\"c\"}],\"pageInfo\":{\"endCursor\":"
                                                + "\"c\",\"hasNextPage\":false}}}}}}")))
                        .get(
                            "/files/big.bin",
                            (req, res) ->
                                res.header("Content-Length", String.valueOf((long) BLOCK * BLOCKS))
                                    .send(
                                        Flux.range(0, BLOCKS)
                                            .map(i -> Unpooled.wrappedBuffer(DATA)))))
            .bindNow();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.disposeNow();
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/2 offered: {1}")
  @CsvSource({"OPENSSL, false", "JDK, false", "OPENSSL, true"})
  void aGibibyteOverHttpsFitsInSixtyFourMibOfHeapAndDirectMemory(SslProvider engine, boolean http2)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:MaxDirectMemorySize=64m"));
    if (engine == SslProvider.JDK) {
      cmd.add("-Dio.netty.handler.ssl.noOpenSsl=true");
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName(),
            "https://127.0.0.1:" + server.port(),
            TlsServers.keyStoreFile().toString(),
            dir.toString(),
            String.valueOf(http2)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(4, TimeUnit.MINUTES);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as(output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("openssl=" + (engine == SslProvider.OPENSSL))
        .contains("downloaded " + (long) BLOCK * BLOCKS);
    assertThat(Files.size(dir.resolve("big.bin"))).isEqualTo((long) BLOCK * BLOCKS);
  }

  /** Runs in the small JVM: one verified download over https. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
        store.load(in, TlsServers.PASSWORD.toCharArray());
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", store.getCertificate("server"));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      System.out.println("openssl=" + OpenSsl.isAvailable());
      try (WandbClient client =
          WandbClient.builder()
              .baseUrl(args[0])
              .apiKey("k")
              .trustManagerFactory(tmf)
              .http2(Boolean.parseBoolean(args[3]))
              .build()) {
        File f = client.run("acme/proj/big").file("big.bin").block(Duration.ofSeconds(30));
        Path p = f.download(Path.of(args[2]), DownloadOptions.DEFAULT).block(Duration.ofMinutes(3));
        System.out.println("downloaded " + Files.size(p));
      }
      System.exit(0);
    }

    private Child() {}
  }
}
