package dev.wandb4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A W&amp;B API and its storage on one origin, over plain http or TLS, for uploads of one file at a
 * time: {@code createRunFiles} hands out a URL on this origin, a PUT is read and dropped with its
 * size and MD5 kept (nothing is stored, so a body of any size costs no disk), and {@code RunFiles}
 * lists the file with them. Records every request with whether it carried {@code Authorization}.
 */
public final class ApiAndStorage implements AutoCloseable {
  /**
   * A request as the server saw it.
   *
   * @param method the method
   * @param path the path and query, as sent
   * @param authorization whether it carried an {@code Authorization} header
   * @param version the HTTP version it came in, e.g. {@code HTTP/2.0}
   */
  public record Seen(String method, String path, boolean authorization, String version) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Long> sizes = new ConcurrentHashMap<>();
  private final Map<String, String> md5s = new ConcurrentHashMap<>();
  private final DisposableServer server;
  private final String base;

  /** Starts the server on loopback, over plain http. */
  public ApiAndStorage() throws Exception {
    this(false, false);
  }

  /**
   * Starts the server on loopback.
   *
   * @param tls over TLS, with {@link TlsServers}' certificate
   * @param http2 over TLS, offering HTTP/2 before HTTP/1.1
   */
  public ApiAndStorage(boolean tls, boolean http2) throws Exception {
    HttpServer http = HttpServer.create().host("127.0.0.1").port(0);
    if (tls) {
      SslContext ssl = TlsServers.server(SslProvider.JDK, http2);
      http = http.secure(spec -> spec.sslContext(ssl));
      if (http2) {
        http = http.protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
      }
    }
    server =
        http.route(r -> r.post("/graphql", this::graphql).put("/storage/{name}", this::put))
            .bindNow();
    base = (tls ? "https" : "http") + "://127.0.0.1:" + server.port();
  }

  /** The base URL of the API (and of storage). */
  public String base() {
    return base;
  }

  /** The requests so far, in order. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The size of the body last PUT under a name, or {@code null}. */
  public Long size(String name) {
    return sizes.get(name);
  }

  /** The MD5 (base64) of the body last PUT under a name, or {@code null}. */
  public String md5(String name) {
    return md5s.get(name);
  }

  private void record(HttpServerRequest req) {
    seen.add(
        new Seen(
            req.method().name(),
            req.uri(),
            req.requestHeaders().contains("Authorization"),
            req.version().text()));
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
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .flatMap(
            json ->
                res.header("Content-Type", "application/json").sendString(Mono.just(json)).then());
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
              + URLEncoder.encode(name, StandardCharsets.UTF_8)
              + "?X-Signature=s3cr3t\"}]}}}";
        }
      case "RunFiles":
        {
          String name = vars.path("fileNames").get(0).asText();
          Long size = sizes.get(name);
          if (size == null) {
            return Fixtures.pageOf();
          }
          ObjectNode node = Fixtures.node(name, "id1", size, base);
          node.put("md5", md5s.get(name));
          return Fixtures.pageOf(node);
        }
      default:
        throw new IllegalStateException("unexpected operation " + operation);
    }
  }

  private Mono<Void> put(HttpServerRequest req, HttpServerResponse res) {
    record(req);
    String name = URLDecoder.decode(req.param("name"), StandardCharsets.UTF_8);
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
                  sizes.put(name, size[0]);
                  md5s.put(name, Base64.getEncoder().encodeToString(md5.digest()));
                  return res.status(200).send().then();
                }));
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
