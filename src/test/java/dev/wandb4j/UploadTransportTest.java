package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.TestClients;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What an upload puts on the wire, against a server that is both the API and storage (W&amp;B's
 * upload URLs may point at the API's own origin, as a self-hosted server's do): the key goes with
 * the GraphQL calls and never with the PUT, over plain http (where the body is a file region) and
 * over TLS (where it is read in chunks), and the bytes arrive intact.
 */
class UploadTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** A request as the server saw it. */
  record Seen(String method, String path, boolean authorization) {}

  /** The API and storage on one origin, over plain http or TLS. */
  private static final class Server implements AutoCloseable {
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Map<String, long[]> sizes = new ConcurrentHashMap<>();
    final Map<String, String> md5s = new ConcurrentHashMap<>();
    final DisposableServer server;
    final String base;

    Server(KeyStore tls) throws Exception {
      HttpServer http = HttpServer.create().host("127.0.0.1").port(0);
      if (tls != null) {
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(tls, "changeit".toCharArray());
        io.netty.handler.ssl.SslContext ssl = SslContextBuilder.forServer(kmf).build();
        http = http.secure(spec -> spec.sslContext(ssl));
      }
      server =
          http.route(r -> r.post("/graphql", this::graphql).put("/storage/{name}", this::put))
              .bindNow();
      base = (tls != null ? "https" : "http") + "://127.0.0.1:" + server.port();
    }

    private boolean record(HttpServerRequest req) {
      boolean auth = req.requestHeaders().contains("Authorization");
      seen.add(new Seen(req.method().name(), req.uri(), auth));
      return auth;
    }

    private Mono<Void> graphql(HttpServerRequest req, HttpServerResponse res) {
      record(req);
      return req.receive()
          .aggregate()
          .asString()
          .map(
              body -> {
                try {
                  JsonNode q = Fixtures.JSON.readTree(body);
                  return answer(q.path("operationName").asText(), q.path("variables"));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              })
          .flatMap(
              json ->
                  res.header("Content-Type", "application/json")
                      .sendString(Mono.just(json))
                      .then());
    }

    private String answer(String operation, JsonNode vars) {
      switch (operation) {
        case "ProbeServerMutations":
          return "{\"data\":{\"MutationType\":{\"fields\":[{\"name\":\"createRunFiles\"}]}}}";
        case "CreateRunFiles":
          {
            String name = vars.path("files").get(0).asText();
            return "{\"data\":{\"createRunFiles\":{\"runID\":\"UnVuOjE=\",\"uploadHeaders\":[],"
                + "\"files\":[{\"name\":\""
                + name
                + "\",\"uploadUrl\":\""
                + base
                + "/storage/"
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                + "?X-Signature=s3cr3t\"}]}}}";
          }
        case "RunFiles":
          {
            String name = vars.path("fileNames").get(0).asText();
            ObjectNode node = Fixtures.node(name, "id1", sizes.get(name)[0], base);
            node.put("md5", md5s.get(name));
            return Fixtures.pageOf(node);
          }
        default:
          throw new IllegalStateException("unexpected operation " + operation);
      }
    }

    private Mono<Void> put(HttpServerRequest req, HttpServerResponse res) {
      record(req);
      String name =
          java.net.URLDecoder.decode(req.param("name"), java.nio.charset.StandardCharsets.UTF_8);
      MessageDigest md5 = Md5s.newDigest();
      long[] size = {0};
      return req.receive()
          .doOnNext(
              (ByteBuf buf) -> {
                size[0] += buf.readableBytes();
                md5.update(buf.nioBuffer());
              })
          .then(
              Mono.defer(
                  () -> {
                    sizes.put(name, size);
                    md5s.put(name, Base64.getEncoder().encodeToString(md5.digest()));
                    return res.status(200).send().then();
                  }));
    }

    @Override
    public void close() {
      server.disposeNow();
    }
  }

  /** MD5 digests for the server. */
  private static final class Md5s {
    static MessageDigest newDigest() {
      try {
        return MessageDigest.getInstance("MD5");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private Md5s() {}
  }

  private Path file(int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve("model.bin"), bytes);
  }

  private static String md5(Path p) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
  }

  private void uploadsIntactAndTheKeyStaysWithTheApi(Server server, WandbClient client)
      throws Exception {
    // Several chunks' worth, and not a whole number of them.
    Path local = file((3 << 20) + 17);

    File uploaded = client.run("acme/proj/run1").upload(local, "ckpt/model.bin").block(WAIT);

    assertThat(uploaded.size()).isEqualTo((3 << 20) + 17);
    assertThat(uploaded.md5()).isEqualTo(md5(local));
    assertThat(server.sizes.get("ckpt/model.bin")[0]).isEqualTo((3 << 20) + 17);
    assertThat(server.md5s.get("ckpt/model.bin")).isEqualTo(md5(local));
    assertThat(server.seen)
        .extracting(Seen::method, Seen::authorization)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", true),
            org.assertj.core.groups.Tuple.tuple("POST", true),
            org.assertj.core.groups.Tuple.tuple("PUT", false),
            org.assertj.core.groups.Tuple.tuple("POST", true));
    assertThat(server.seen.get(2).path()).isEqualTo("/storage/ckpt%2Fmodel.bin?X-Signature=s3cr3t");
  }

  @Test
  void overPlainHttpTheKeyNeverGoesWithThePutEvenToTheApisOwnOrigin() throws Exception {
    try (Server server = new Server(null);
        WandbClient client = TestClients.client(server.base)) {
      uploadsIntactAndTheKeyStaysWithTheApi(server, client);
    }
  }

  @Test
  void overTlsTheBodyIsReadInChunksAndArrivesIntactWithoutTheKey() throws Exception {
    KeyStore store = keyStore();
    try (Server server = new Server(store);
        WandbClient client =
            TestClients.builder(server.base).trustManagerFactory(trusting(store)).build()) {
      uploadsIntactAndTheKeyStaysWithTheApi(server, client);
    }
  }

  private KeyStore keyStore() throws Exception {
    Path ks = dir.resolve("server.p12");
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
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    return store;
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
}
