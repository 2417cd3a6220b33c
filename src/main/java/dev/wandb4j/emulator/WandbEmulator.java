package dev.wandb4j.emulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wandb4j.RunPath;
import dev.wandb4j.WandbClient;
import dev.wandb4j.internal.ByteRanges;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A local W&amp;B-compatible server for tests, demos and benchmarks: the GraphQL Files API
 * (executed by graphql-java over W&amp;B's schema), authenticated file URLs that redirect to a
 * signed storage endpoint on a second port, and scripted faults.
 *
 * <pre>{@code
 * try (WandbEmulator emu = WandbEmulator.start()) {
 *   emu.run("acme/demo/r1").addFile("media/a.png", bytes);
 *   List<File> files = emu.client().run("acme/demo/r1").files().collectList().block();
 * }
 * }</pre>
 *
 * <p>Both endpoints listen on ephemeral loopback ports. The storage endpoint checks each URL's
 * signature and expiry, refuses any request that carries an {@code Authorization} header (as S3
 * does), and supports {@code Range}, {@code If-Range} and {@code ETag}; files on disk are sent with
 * {@code sendfile}, generated content from direct buffers. Every request is recorded for tests to
 * assert on. Needs graphql-java on the class path (an optional dependency of wandb4j).
 */
public final class WandbEmulator implements AutoCloseable {
  /** The API key the emulator accepts unless another is configured. */
  public static final String DEFAULT_API_KEY = "emulator0000000000000000000000000000000000";

  /** How long a signed storage URL stays valid: one hour. */
  public static final Duration URL_LIFETIME = Duration.ofHours(1);

  private static final int MAX_LOG = 200_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern OPERATION =
      java.util.regex.Pattern.compile("\\b(?:query|mutation)\\s+([_A-Za-z][_0-9A-Za-z]*)");

  private final String apiKey;
  private final String expectedAuthorization;
  private final Signer signer = new Signer();
  private final Faults faults = new Faults();
  private final Map<String, Project> projects = new ConcurrentHashMap<>();
  private final Map<Long, EmulatedFile> byId = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong projectIds = new AtomicLong(40853574);
  private final AtomicLong runsCreated = new AtomicLong();
  private final ConcurrentLinkedDeque<RecordedRequest> log = new ConcurrentLinkedDeque<>();
  private final GraphQlEndpoint graphQl;
  private final DisposableServer storage;
  private final DisposableServer api;
  private volatile WandbClient client;

  private WandbEmulator(Builder b) {
    this.apiKey = b.apiKey;
    this.expectedAuthorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("api:" + apiKey).getBytes(StandardCharsets.UTF_8));
    this.graphQl = new GraphQlEndpoint(this);
    this.storage =
        HttpServer.create()
            .host(b.host)
            .port(0)
            .handle((req, res) -> delayed(req, res, this::storage))
            .bindNow(Duration.ofSeconds(10));
    DisposableServer apiServer;
    try {
      apiServer =
          HttpServer.create()
              .host(b.host)
              .port(b.port)
              .handle((req, res) -> delayed(req, res, this::api))
              .bindNow(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      storage.disposeNow();
      throw e;
    }
    this.api = apiServer;
    if (b.directory != null) {
      serveDirectory(b.directory);
    }
  }

  /**
   * Starts an emulator on ephemeral loopback ports with {@link #DEFAULT_API_KEY}.
   *
   * @return the running emulator; close it when done
   */
  public static WandbEmulator start() {
    return builder().start();
  }

  /**
   * Starts configuring an emulator.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The API base URL, e.g. {@code http://127.0.0.1:41234}.
   *
   * @return the URL for {@code WandbClient.builder().baseUrl(...)} or {@code WANDB_BASE_URL}
   */
  public String baseUrl() {
    return "http://" + api.host() + ":" + api.port();
  }

  /**
   * The storage endpoint's base URL.
   *
   * @return the URL signed file URLs point to
   */
  public String storageUrl() {
    return "http://" + storage.host() + ":" + storage.port();
  }

  /**
   * The API key the emulator accepts.
   *
   * @return the key
   */
  public String apiKey() {
    return apiKey;
  }

  /**
   * A client for this emulator, created on first use and closed with the emulator.
   *
   * @return the shared client
   */
  public synchronized WandbClient client() {
    if (client == null) {
      client = clientBuilder().build();
    }
    return client;
  }

  /**
   * A client builder with this emulator's base URL and key set, for clients with other settings.
   * The caller closes what it builds.
   *
   * @return a builder
   */
  public WandbClient.Builder clientBuilder() {
    return WandbClient.builder().baseUrl(baseUrl()).apiKey(apiKey);
  }

  /**
   * A run, created (with its project) if it does not exist yet.
   *
   * @param path a run path in any form {@link RunPath#parse(String)} accepts
   * @return the run
   */
  public EmulatedRun run(String path) {
    RunPath p = RunPath.parse(path);
    Project project =
        projects.computeIfAbsent(
            p.entity() + "/" + p.project(),
            k -> new Project(p.entity(), p.project(), projectIds.incrementAndGet()));
    return project.runs.computeIfAbsent(
        p.runId(), id -> new EmulatedRun(this, p, project.id, runsCreated.incrementAndGet()));
  }

  /**
   * Faults that apply to every request.
   *
   * @return the global faults
   */
  public Faults faults() {
    return faults;
  }

  /**
   * The requests received so far, oldest first.
   *
   * @return a snapshot
   */
  public List<RecordedRequest> requests() {
    return new ArrayList<>(log);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    log.clear();
  }

  /**
   * Serves a directory laid out as {@code entity/project/run/<file path>}.
   *
   * @param root the directory
   */
  public void serveDirectory(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .forEach(
              file -> {
                Path rel = root.relativize(file);
                if (rel.getNameCount() < 4) {
                  return;
                }
                String runPath = rel.subpath(0, 3).toString().replace('\\', '/');
                String name = rel.subpath(3, rel.getNameCount()).toString().replace('\\', '/');
                run(runPath).addFile(name, file);
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops both endpoints and closes the shared client. */
  @Override
  public void close() {
    WandbClient c = client;
    if (c != null) {
      c.close();
    }
    api.disposeNow();
    storage.disposeNow();
  }

  long nextSeq() {
    return seq.incrementAndGet();
  }

  void register(EmulatedFile f) {
    byId.put(f.seq(), f);
  }

  void unregister(EmulatedFile f) {
    byId.remove(f.seq(), f);
  }

  Project project(String entity, String name) {
    return entity == null || name == null ? null : projects.get(entity + "/" + name);
  }

  EmulatedFile fileById(String id) {
    try {
      String s = new String(Base64.getDecoder().decode(id), StandardCharsets.UTF_8);
      return s.startsWith("File:") ? byId.get(Long.parseLong(s.substring(5))) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  String apiFileUrl(EmulatedFile f) {
    RunPath p = f.run().path();
    StringBuilder sb = new StringBuilder(baseUrl()).append("/files/");
    sb.append(encode(p.entity())).append('/').append(encode(p.project())).append('/');
    sb.append(encode(p.runId()));
    for (String segment : f.name().split("/", -1)) {
      sb.append('/').append(encode(segment));
    }
    return sb.toString();
  }

  String signedUrl(EmulatedFile f) {
    long expires = Instant.now().plus(URL_LIFETIME).getEpochSecond();
    return storageUrl()
        + "/objects/"
        + f.seq()
        + "?X-Expires="
        + expires
        + "&X-Signature="
        + signer.sign(f.seq(), expires);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void record(
      String server,
      HttpServerRequest req,
      String path,
      String operation,
      Map<String, Object> variables) {
    log.add(
        new RecordedRequest(
            server,
            req.method().name(),
            path,
            req.requestHeaders().contains(HttpHeaderNames.AUTHORIZATION),
            req.requestHeaders().get(HttpHeaderNames.RANGE),
            operation,
            variables == null ? Map.of() : variables));
    while (log.size() > MAX_LOG) {
      log.pollFirst();
    }
  }

  private static String pathOf(HttpServerRequest req) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static Map<String, String> queryOf(HttpServerRequest req) {
    Map<String, String> params = new LinkedHashMap<>();
    String uri = req.uri();
    int q = uri.indexOf('?');
    if (q >= 0) {
      for (String pair : uri.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  // ---- API endpoint ----

  /** Handles a request after the configured {@link Faults#requestLatency} has passed. */
  private Publisher<Void> delayed(
      HttpServerRequest req,
      HttpServerResponse res,
      java.util.function.BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>
          handler) {
    Duration latency = faults.requestLatency();
    return latency.isZero()
        ? handler.apply(req, res)
        : Mono.delay(latency).thenMany(Mono.defer(() -> Mono.from(handler.apply(req, res))));
  }

  private Publisher<Void> api(HttpServerRequest req, HttpServerResponse res) {
    String path = pathOf(req);
    if (req.method() == HttpMethod.POST && path.equals("/graphql")) {
      return graphQl(req, res);
    }
    if (req.method() == HttpMethod.GET && path.startsWith("/files/")) {
      return fileUrl(req, res, path);
    }
    record("api", req, path, null, null);
    return res.status(404).sendString(Mono.just("not found"));
  }

  private boolean authorized(HttpServerRequest req) {
    return expectedAuthorization.equals(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
  }

  private Publisher<Void> graphQl(HttpServerRequest req, HttpServerResponse res) {
    return req.receive()
        .aggregate()
        .asInputStream()
        .defaultIfEmpty(InputStream.nullInputStream())
        .flatMap(
            in -> {
              Map<String, Object> body;
              try (in) {
                body = JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
              } catch (IOException e) {
                body = null;
              }
              String query = body == null ? null : (String) body.get("query");
              @SuppressWarnings("unchecked")
              Map<String, Object> variables =
                  body == null ? null : (Map<String, Object>) body.get("variables");
              String operation = body == null ? null : (String) body.get("operationName");
              if ((operation == null || operation.isEmpty()) && query != null) {
                Matcher m = OPERATION.matcher(query);
                operation = m.find() ? m.group(1) : null;
              }
              record("api", req, "/graphql", operation, variables);
              int failure = faults.takeFailure();
              if (failure != 0) {
                return fail(res, failure, faults.failRetryAfter());
              }
              if (!authorized(req)) {
                return res.status(401)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just("{\"errors\":[{\"message\":\"user is not logged in\"}]}"))
                    .then();
              }
              if (body == null || query == null) {
                return res.status(400)
                    .sendString(Mono.just("{\"errors\":[{\"message\":\"invalid JSON body\"}]}"))
                    .then();
              }
              Map<String, Object> result;
              Faults.AfterMutation afterMutation = null;
              String injected = faults.takeGraphQlError();
              if (injected != null) {
                result = new LinkedHashMap<>();
                result.put("errors", List.of(Map.of("message", injected)));
                result.put("data", null);
              } else {
                result = graphQl.execute(query, variables, operation);
                if (faults.afterMutationPending() && GraphQlEndpoint.isMutation(query, operation)) {
                  afterMutation = faults.takeAfterMutation();
                }
              }
              if (afterMutation != null) {
                return answerAfterMutation(res, result, afterMutation);
              }
              byte[] json;
              try {
                json = JSON.writeValueAsBytes(result);
              } catch (IOException e) {
                return res.status(500).send().then();
              }
              Mono<Void> send =
                  res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                      .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(json.length))
                      .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json)))
                      .then();
              Duration latency = faults.graphQlLatency();
              return latency.isZero() ? send : Mono.delay(latency).then(send);
            });
  }

  /** Answers a mutation that has been applied as a scripted fault says: late, never, or failed. */
  private static Mono<Void> answerAfterMutation(
      HttpServerResponse res, Map<String, Object> result, Faults.AfterMutation fault) {
    switch (fault.kind()) {
      case DROP_CONNECTION:
        return Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close()));
      case FAIL:
        return fail(res, fault.status(), null);
      default:
        byte[] json;
        try {
          json = JSON.writeValueAsBytes(result);
        } catch (IOException e) {
          return res.status(500).send().then();
        }
        return Mono.delay(fault.delay())
            .then(
                res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(json.length))
                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json)))
                    .then());
    }
  }

  private Publisher<Void> fileUrl(HttpServerRequest req, HttpServerResponse res, String path) {
    record("api", req, path, null, null);
    String[] parts = path.substring("/files/".length()).split("/", 4);
    int failure = faults.takeFailure();
    if (failure != 0) {
      return fail(res, failure, faults.failRetryAfter());
    }
    if (!authorized(req)) {
      return res.status(401).sendString(Mono.just("user is not logged in"));
    }
    if (parts.length < 4) {
      return res.status(404).sendString(Mono.just("not found"));
    }
    Project project = project(decode(parts[0]), decode(parts[1]));
    EmulatedRun run = project == null ? null : project.runs.get(decode(parts[2]));
    StringBuilder name = new StringBuilder();
    for (String segment : parts[3].split("/", -1)) {
      if (name.length() > 0) {
        name.append('/');
      }
      name.append(decode(segment));
    }
    EmulatedFile f = run == null ? null : run.file(name.toString());
    if (f == null) {
      return res.status(404).sendString(Mono.just("file not found"));
    }
    int fileFailure = f.faults().takeFailure();
    if (fileFailure != 0) {
      return fail(res, fileFailure, f.faults().failRetryAfter());
    }
    return res.status(302).header(HttpHeaderNames.LOCATION, signedUrl(f)).send();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Mono<Void> fail(HttpServerResponse res, int status, Duration retryAfter) {
    if (retryAfter != null) {
      res.header(HttpHeaderNames.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
    }
    return res.status(status).sendString(Mono.just("emulated failure " + status)).then();
  }

  // ---- storage endpoint ----

  private Publisher<Void> storage(HttpServerRequest req, HttpServerResponse res) {
    String path = pathOf(req);
    record("storage", req, path, null, null);
    if (req.requestHeaders().contains(HttpHeaderNames.AUTHORIZATION)) {
      return xmlError(res, 400, "InvalidArgument", "Only one auth mechanism allowed");
    }
    if (req.method() != HttpMethod.GET || !path.startsWith("/objects/")) {
      return xmlError(res, 405, "MethodNotAllowed", "Only GET is supported");
    }
    long id;
    long expires;
    Map<String, String> query = queryOf(req);
    try {
      id = Long.parseLong(path.substring("/objects/".length()));
      expires = Long.parseLong(query.getOrDefault("X-Expires", "0"));
    } catch (NumberFormatException e) {
      return xmlError(res, 400, "InvalidRequest", "Malformed URL");
    }
    if (!signer.verify(id, expires, query.get("X-Signature"))) {
      return xmlError(res, 403, "SignatureDoesNotMatch", "The signature does not match");
    }
    EmulatedFile f = byId.get(id);
    Faults fileFaults = f == null ? null : f.faults();
    if (Instant.now().getEpochSecond() > expires
        || faults.expireSignedUrls()
        || fileFaults != null && fileFaults.expireSignedUrls()) {
      return xmlError(res, 403, "AccessDenied", "Request has expired");
    }
    if (f == null) {
      return xmlError(res, 404, "NoSuchKey", "The specified key does not exist");
    }
    int failure = fileFaults.takeFailure();
    Duration retryAfter = fileFaults.failRetryAfter();
    if (failure == 0) {
      failure = faults.takeFailure();
      retryAfter = faults.failRetryAfter();
    }
    if (failure != 0) {
      return fail(res, failure, retryAfter);
    }
    return serve(req, res, f);
  }

  private Publisher<Void> serve(HttpServerRequest req, HttpServerResponse res, EmulatedFile f) {
    Content content = f.content();
    long size = content.size();
    String etag = "\"" + f.md5() + "\"";
    res.header(HttpHeaderNames.ETAG, etag);
    res.header(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    res.header(
        HttpHeaderNames.CONTENT_TYPE,
        f.mimetype() == null ? "application/octet-stream" : f.mimetype());
    long start = 0;
    long count = size;
    String range = req.requestHeaders().get(HttpHeaderNames.RANGE);
    String ifRange = req.requestHeaders().get(HttpHeaderNames.IF_RANGE);
    boolean ignoreRange = faults.ignoreRange() || f.faults().ignoreRange();
    if (range != null && !ignoreRange && (ifRange == null || ifRange.equals(etag))) {
      long[] r = ByteRanges.parse(range, size);
      if (r == null) {
        return res.status(416).header(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size).send();
      }
      start = r[0];
      count = r[1] - r[0] + 1;
      res.status(HttpResponseStatus.PARTIAL_CONTENT)
          .header(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
    }
    res.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(count));
    long reset = f.faults().takeReset();
    if (reset < 0) {
      reset = faults.takeReset();
    }
    long corrupt =
        f.faults().corruptOffset() >= 0 ? f.faults().corruptOffset() : faults.corruptOffset();
    long rate =
        f.faults().bytesPerSecond() > 0 ? f.faults().bytesPerSecond() : faults.bytesPerSecond();
    Duration delay =
        f.faults().firstByteDelay().isZero()
            ? faults.firstByteDelay()
            : f.faults().firstByteDelay();
    if (content.path() != null && reset < 0 && corrupt < 0 && rate <= 0 && delay.isZero()) {
      return res.sendFile(content.path(), start, count);
    }
    Flux<ByteBuf> body = content.stream(start, count);
    if (corrupt >= start && corrupt < start + count) {
      body = corrupt(body, corrupt - start);
    }
    if (rate > 0) {
      body = body.delayElements(Duration.ofNanos(Content.CHUNK * 1_000_000_000L / rate));
    }
    if (!delay.isZero()) {
      body = Mono.delay(delay).thenMany(body);
    }
    if (reset >= 0) {
      Flux<ByteBuf> cut = truncate(body, reset);
      return res.send(cut)
          .then()
          .then(
              Mono.fromRunnable(
                  () ->
                      res.withConnection(
                          c -> {
                            c.channel().flush();
                            c.channel().close();
                          })));
    }
    return res.send(body);
  }

  private static Flux<ByteBuf> corrupt(Flux<ByteBuf> body, long offset) {
    AtomicLong position = new AtomicLong();
    return body.map(
        buf -> {
          long at = position.getAndAdd(buf.readableBytes());
          if (offset >= at && offset < at + buf.readableBytes()) {
            ByteBuf copy = buf.copy();
            buf.release();
            int i = (int) (offset - at);
            copy.setByte(i, ~copy.getByte(i));
            return copy;
          }
          return buf;
        });
  }

  private static Flux<ByteBuf> truncate(Flux<ByteBuf> body, long limit) {
    AtomicLong left = new AtomicLong(limit);
    return body.<ByteBuf>handle(
            (buf, sink) -> {
              long l = left.get();
              int n = buf.readableBytes();
              if (n < l) {
                left.addAndGet(-n);
                sink.next(buf);
                return;
              }
              ByteBuf part = buf.retainedSlice(buf.readerIndex(), (int) l);
              buf.release();
              left.set(0);
              if (part.isReadable()) {
                sink.next(part);
              } else {
                part.release();
              }
              sink.complete();
            })
        .switchIfEmpty(Flux.empty());
  }

  private static Mono<Void> xmlError(
      HttpServerResponse res, int status, String code, String message) {
    return res.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/xml")
        .sendString(
            Mono.just(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                    + code
                    + "</Code><Message>"
                    + message
                    + "</Message></Error>"))
        .then();
  }

  /** A project and its runs. */
  static final class Project {
    private final String entity;
    private final String name;
    private final long id;
    final Map<String, EmulatedRun> runs = new ConcurrentHashMap<>();

    Project(String entity, String name, long id) {
      this.entity = entity;
      this.name = name;
      this.id = id;
    }

    String id() {
      return GraphQlEndpoint.b64("Project:" + id);
    }

    String name() {
      return name;
    }

    String entity() {
      return entity;
    }

    String internalId() {
      return GraphQlEndpoint.b64("ProjectInternalId:" + id);
    }

    EmulatedRun run(String runId) {
      return runs.get(runId);
    }

    /** The runs a filter selects, in an order such as {@code -created_at}. */
    List<EmulatedRun> runs(String filters, String order) {
      java.util.function.Predicate<Map<String, Object>> filter = RunFilter.compile(filters);
      String o = order == null || order.isBlank() ? "-created_at" : order;
      boolean descending = o.startsWith("-");
      String field = o.startsWith("+") || o.startsWith("-") ? o.substring(1) : o;
      java.util.Comparator<EmulatedRun> byField =
          java.util.Comparator.comparing(
              r -> {
                Object v = r.document().get(field);
                return v == null ? "" : String.valueOf(v);
              });
      java.util.Comparator<EmulatedRun> cmp = byField.thenComparingLong(EmulatedRun::created);
      List<EmulatedRun> out = new ArrayList<>();
      for (EmulatedRun r : runs.values()) {
        if (filter.test(r.document())) {
          out.add(r);
        }
      }
      out.sort(descending ? cmp.reversed() : cmp);
      return out;
    }
  }

  /** Configures a {@link WandbEmulator}. */
  public static final class Builder {
    private String apiKey = DEFAULT_API_KEY;
    private String host = "127.0.0.1";
    private int port;
    private Path directory;

    private Builder() {}

    /**
     * The API key to accept. Default: {@link WandbEmulator#DEFAULT_API_KEY}.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * The API port. Default: 0, an ephemeral port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Serves a directory laid out as {@code entity/project/run/<file path>}. Default: none.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /**
     * Starts the emulator.
     *
     * @return the running emulator
     */
    public WandbEmulator start() {
      return new WandbEmulator(this);
    }
  }
}
