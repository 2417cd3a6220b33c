package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbRateLimitedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.ProxyProvider;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * The client's HTTP layer over Reactor Netty's {@link HttpClient}: TLS ({@link Tls}), the route
 * through a proxy or not ({@link Proxies}), the credentials only on the API origin, redirects
 * followed by hand so that no header leaks to another origin ({@link Redirects}), bounded waits for
 * a connection ({@link Acquisition}) and for bodies read only in part ({@link Bodies}), statuses
 * mapped to typed errors, and retries. Internal.
 */
public final class HttpCore {
  private static final Logger log = Loggers.getLogger(HttpCore.class);

  /** Redirects followed for one request before giving up. */
  static final int MAX_REDIRECTS = Redirects.MAX_REDIRECTS;

  /** The largest chunk of body the HTTP decoder hands over at once. */
  static final int MAX_CHUNK_SIZE = TransferBudget.MAX_READ;

  /** The HTTP/2 flow-control window of a connection and of each of its streams: 1 MiB. */
  static final int HTTP2_WINDOW = 1 << 20;

  private final ClientSettings settings;
  private final ApiOrigin origin;
  private final String authorization;
  private final Proxies proxies;
  private final HttpClient base;
  private final TransportOptions transport;
  private volatile HttpClient secureBase;
  private final UnaryOperator<HttpClient> customizer;
  private final int maxConnections;
  private final Map<RouteKey, Routed> routes = new ConcurrentHashMap<>();
  private final ConnectionProvider ownedProvider;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Sinks.Empty<Void> disposed = Sinks.empty();
  private final AtomicBoolean disposing = new AtomicBoolean();

  /**
   * Creates the HTTP layer.
   *
   * @param settings the client's settings
   * @param budget the memory all transfers share, which also caps socket reads
   * @param transport how connections are made
   */
  // maxChunkSize is deprecated because Netty 5 drops it; Netty 4 still splits bodies into chunks
  // of at most this size (8 KiB by default), and larger chunks mean far fewer file writes.
  @SuppressWarnings("deprecation")
  public HttpCore(ClientSettings settings, TransferBudget budget, TransportOptions transport) {
    this.settings = settings;
    this.origin = ApiOrigin.of(settings.baseUrl());
    this.authorization =
        settings.apiKey() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(("api:" + settings.apiKey()).getBytes(StandardCharsets.UTF_8));
    this.proxies = transport.proxies() == null ? Proxies.NONE : transport.proxies();
    this.customizer = transport.customizer() == null ? c -> c : transport.customizer();
    this.maxConnections = transport.maxConnections();
    ConnectionProvider provider = transport.provider();
    if (provider == null) {
      Duration longest =
          settings.timeout().compareTo(settings.readTimeout()) > 0
              ? settings.timeout()
              : settings.readTimeout();
      ConnectionProvider.Builder pool =
          ConnectionProvider.builder("wandb4j")
              .maxConnections(transport.maxConnections())
              .pendingAcquireMaxCount(-1)
              // Each request bounds its own wait (Acquisition); this only backs that up.
              .pendingAcquireTimeout(longest.multipliedBy(2))
              .maxIdleTime(Duration.ofSeconds(30));
      ConnectionProvider.MeterRegistrar meters = transport.poolMeters();
      this.ownedProvider =
          (meters != null
                  ? pool.metrics(true, () -> meters)
                  : pool.metrics(transport.poolMetrics()))
              .build();
      provider = ownedProvider;
    } else {
      this.ownedProvider = null;
    }
    HttpClient client =
        HttpClient.create(provider)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
            .responseTimeout(settings.readTimeout())
            .option(ChannelOption.RCVBUF_ALLOCATOR, budget.allocator())
            .httpResponseDecoder(spec -> spec.maxChunkSize(MAX_CHUNK_SIZE))
            .followRedirect(false)
            .disableRetry(true);
    if (transport.loops() != null) {
      client = client.runOn(transport.loops());
    }
    this.base = client;
    this.transport = transport;
    if ("https".equalsIgnoreCase(settings.baseUrl().getScheme())) {
      // Built now: a trust store that does not work fails the builder, not the first request.
      secureBase();
    }
  }

  /**
   * The base client for https, built on first use: a client that only speaks plain http (the
   * emulator, a local server) never loads a TLS engine.
   */
  private HttpClient secureBase() {
    HttpClient c = secureBase;
    if (c == null) {
      synchronized (this) {
        c = secureBase;
        if (c == null) {
          SslContext ssl =
              Tls.context(
                  transport.trust(),
                  transport.http2(),
                  transport.engine() == null ? Tls.engine() : transport.engine());
          c = base.secure(spec -> spec.sslContext(ssl));
          if (transport.http2()) {
            c =
                c.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                    .http2Settings(h2 -> h2.initialWindowSize(HTTP2_WINDOW));
          }
          secureBase = c;
        }
      }
    }
    return c;
  }

  /** The two clients of one route: one for API calls, one whose bodies the reader times. */
  private static final class Routed {
    final HttpClient api;
    final HttpClient bodies;

    Routed(HttpClient api) {
      this.api = api;
      // Bodies are timed by IdleBodyTimeout from their headers on; Netty's read timeout would
      // also count the time a slow consumer takes, since backpressure stops the socket being read.
      this.bodies =
          api.doOnResponse(
              (res, connection) -> connection.removeHandler(NettyPipeline.ResponseTimeoutHandler));
    }
  }

  /** Which clients a request uses: through which proxy, if any, and with TLS or not. */
  private record RouteKey(Proxies.Route proxy, boolean secure) {}

  private Routed route(RouteKey key) {
    HttpClient start = key.secure() ? secureBase() : base;
    Proxies.Route proxy = key.proxy();
    HttpClient c;
    if (proxy == null) {
      c = start.noProxy();
    } else {
      c =
          start.proxy(
              spec -> {
                ProxyProvider.Builder b =
                    spec.type(ProxyProvider.Proxy.HTTP)
                        .host(proxy.host())
                        .port(proxy.port())
                        .connectTimeoutMillis(settings.connectTimeout().toMillis());
                if (proxy.username() != null) {
                  String password = proxy.password();
                  b.username(proxy.username()).password(user -> password);
                }
              });
    }
    return new Routed(customizer.apply(c));
  }

  private Routed routeFor(URI uri) {
    RouteKey key = new RouteKey(proxies.forUri(uri), "https".equalsIgnoreCase(uri.getScheme()));
    Routed r = routes.get(key);
    return r != null ? r : routes.computeIfAbsent(key, this::route);
  }

  public ClientSettings settings() {
    return settings;
  }

  public ApiOrigin origin() {
    return origin;
  }

  /** Fails fast once the client is closed. */
  public void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("This WandbClient is closed");
    }
  }

  /** Refuses new requests from now on. Idempotent. */
  public void refuseNew() {
    closed.set(true);
  }

  /**
   * Refuses new requests and closes what this layer created; borrowed resources are left alone.
   * Idempotent: every call's {@code Mono} completes when the one disposal has finished.
   *
   * @return completes when the owned pool is disposed
   */
  public Mono<Void> closeAsync() {
    closed.set(true);
    if (ownedProvider == null) {
      return Mono.empty();
    }
    if (disposing.compareAndSet(false, true)) {
      ownedProvider
          .disposeLater()
          .subscribe(null, e -> disposed.tryEmitError(e), () -> disposed.tryEmitEmpty());
    }
    return disposed.asMono();
  }

  /**
   * Fails a request to the API origin of a client built without an API key, before anything is
   * sent.
   */
  private void requireKey(URI uri, String method) {
    if (authorization == null && origin.contains(uri)) {
      throw new WandbAuthenticationException(
          Credentials.missingKeyMessage(settings.baseUrl())
              + " The client was built without one, so no request was sent.",
          401,
          method,
          Redaction.uri(uri),
          "");
    }
  }

  /**
   * The HTTP client for a request that never carries the credentials, whatever its origin: an
   * upload to a signed URL, which authorises itself. It goes the URI's route (proxy, TLS, HTTP/2)
   * like any other request, and sets only the {@code User-Agent}.
   *
   * @param uri where the request goes
   * @param acquisition told when the request is sent, to bound the wait for a connection
   */
  HttpClient withoutCredentials(URI uri, Acquisition acquisition) {
    ensureOpen();
    return routeFor(uri)
        .api
        .doOnRequest(acquisition)
        .headers(
            h -> {
              h.set(HttpHeaderNames.USER_AGENT, settings.userAgent());
              h.remove(HttpHeaderNames.AUTHORIZATION);
            });
  }

  /** The longest wait for a connection of a transfer: see {@link #downloadAcquire()}. */
  Duration transferAcquire() {
    return downloadAcquire();
  }

  /** The size of the connection pool, for messages. */
  int maxConnections() {
    return maxConnections;
  }

  private HttpClient clientFor(
      HttpClient client, URI uri, Acquisition acquisition, Consumer<HttpHeaders> extra) {
    boolean trusted = origin.contains(uri);
    return client
        .doOnRequest(acquisition)
        .headers(
            h -> {
              h.set(HttpHeaderNames.USER_AGENT, settings.userAgent());
              if (trusted && authorization != null) {
                h.set(HttpHeaderNames.AUTHORIZATION, authorization);
              }
              extra.accept(h);
            });
  }

  /**
   * One POST of a JSON body to the API, its 200 answer (gzipped or not) parsed by {@code parser};
   * other statuses become typed errors. Not retried here. Waiting for a connection and the exchange
   * are each bounded by the client's timeout: the attempt's clock starts when the request is sent,
   * not while it waits for a connection.
   */
  <T> Mono<T> postJson(URI uri, byte[] body, BodyParser<T> parser, String what) {
    return Mono.defer(
        () -> {
          ensureOpen();
          requireKey(uri, "POST");
          Acquisition acquisition = new Acquisition();
          Duration drain = Bodies.drainTime(settings.readTimeout());
          Mono<T> exchange =
              clientFor(
                      routeFor(uri).api,
                      uri,
                      acquisition,
                      h ->
                          h.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                              .set(HttpHeaderNames.ACCEPT, "application/json")
                              .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP))
                  .request(HttpMethod.POST)
                  .uri(uri.toString())
                  .send(Mono.fromCallable(() -> Unpooled.wrappedBuffer(body)))
                  .response(
                      (res, content) -> {
                        int status = res.status().code();
                        if (status == 200) {
                          return Bodies.collect(
                              content,
                              isGzip(res.responseHeaders()),
                              settings.maxResponseBytes(),
                              what,
                              parser);
                        }
                        return Bodies.excerpt(content, drain)
                            .flatMap(text -> Mono.error(statusError(res, uri, "POST", text, what)));
                      })
                  .next();
          return acquisition.bound(
              exchange, settings.timeout(), settings.timeout(), uri, what, maxConnections);
        });
  }

  /**
   * The longest wait for a download's connection: the read timeout, but never less than opening a
   * new connection is allowed to take, so that a slow connect under load is not cut short and
   * reported as a full pool.
   */
  private Duration downloadAcquire() {
    Duration read = settings.readTimeout();
    Duration connect = settings.connectTimeout();
    return connect.compareTo(read) > 0 ? connect : read;
  }

  private static boolean isGzip(HttpHeaders headers) {
    String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
    return encoding != null && encoding.strip().equalsIgnoreCase("gzip");
  }

  /**
   * One GET, following redirects, whose 2xx body is emitted as buffers that the subscriber owns and
   * must release. {@code onHeaders} sees the final response before any byte and may throw to refuse
   * it. Not retried here. Waiting for a connection is bounded by the read timeout (or the connect
   * timeout, if longer).
   *
   * @param uri the URI to get
   * @param offset where to start, or 0 for the whole body (sends {@code Range} when positive)
   * @param ifRange a validator for {@code If-Range}, or {@code null}
   * @param onHeaders called with the final 2xx response
   * @param what names the resource in error messages
   */
  Flux<ByteBuf> get(
      URI uri,
      long offset,
      String ifRange,
      java.util.function.Consumer<HttpClientResponse> onHeaders,
      String what) {
    return get(uri, offset, -1, ifRange, onHeaders, what);
  }

  /** As above, asking for the bytes up to {@code end} (inclusive) when it is not negative. */
  Flux<ByteBuf> get(
      URI uri,
      long offset,
      long end,
      String ifRange,
      java.util.function.Consumer<HttpClientResponse> onHeaders,
      String what) {
    return get(uri, offset, end, ifRange, onHeaders, what, 0)
        .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
  }

  private Flux<ByteBuf> get(
      URI uri,
      long offset,
      long end,
      String ifRange,
      java.util.function.Consumer<HttpClientResponse> onHeaders,
      String what,
      int hop) {
    return Flux.defer(
            () -> {
              ensureOpen();
              requireKey(uri, "GET");
              if (log.isDebugEnabled()) {
                log.debug("GET {} (hop {}, offset {})", Redaction.uri(uri), hop, offset);
              }
              Acquisition acquisition = new Acquisition();
              Flux<ByteBuf> exchange =
                  clientFor(
                          routeFor(uri).bodies,
                          uri,
                          acquisition,
                          h -> {
                            if (offset > 0 || end >= 0) {
                              h.set(
                                  HttpHeaderNames.RANGE,
                                  "bytes=" + offset + "-" + (end >= 0 ? String.valueOf(end) : ""));
                              if (ifRange != null) {
                                h.set(HttpHeaderNames.IF_RANGE, ifRange);
                              }
                            }
                          })
                      .get()
                      .uri(uri.toString())
                      .response((res, content) -> answer(res, content, uri, hop, what, onHeaders));
              return acquisition.bound(exchange, downloadAcquire(), uri, what, maxConnections);
            })
        .onErrorResume(
            Redirect.class, r -> get(r.target, offset, end, ifRange, onHeaders, what, hop + 1));
  }

  private org.reactivestreams.Publisher<ByteBuf> answer(
      HttpClientResponse res,
      reactor.netty.ByteBufFlux content,
      URI uri,
      int hop,
      String what,
      java.util.function.Consumer<HttpClientResponse> onHeaders) {
    Duration drain = Bodies.drainTime(settings.readTimeout());
    int status = res.status().code();
    if (status >= 300 && status < 400 && status != 304) {
      URI next;
      try {
        next = Redirects.target(uri, res, hop, what);
      } catch (RuntimeException refused) {
        // Refused, but its connection goes back to the pool all the same.
        return Bodies.drain(content, drain).then(Mono.error(refused));
      }
      return Bodies.drain(content, drain).then(Mono.error(new Redirect(next)));
    }
    if (status >= 200 && status < 300) {
      try {
        onHeaders.accept(res);
      } catch (RuntimeException refused) {
        Bodies.abandon(content);
        return Mono.error(refused);
      }
      return IdleBodyTimeout.apply(
          content.retain(),
          settings.readTimeout(),
          () ->
              new WandbConnectionException(
                  "Timed out: the server sent nothing for "
                      + settings.readTimeout().toMillis()
                      + " ms while "
                      + what
                      + " was being read",
                  new TimeoutException("read timeout")));
    }
    boolean trusted = origin.contains(uri);
    return (trusted ? Bodies.excerpt(content, drain) : Bodies.drain(content, drain).thenReturn(""))
        .flatMap(text -> Mono.error(statusError(res, uri, "GET", text, what)));
  }

  /** Maps a non-success status to the exception a caller can act on. */
  WandbException statusError(
      HttpClientResponse res, URI uri, String method, String excerpt, String what) {
    int status = res.status().code();
    String shown = Redaction.uri(uri);
    boolean api = origin.contains(uri);
    String where = method + " " + shown;
    switch (status) {
      case 401:
      case 403:
        if (api) {
          return new WandbAuthenticationException(
              "W&B refused the credentials (HTTP "
                  + status
                  + ") for "
                  + what
                  + " at "
                  + where
                  + ": check the API key (WANDB_API_KEY, netrc or apiKey(...)) and that it has"
                  + " access to this entity and project",
              status,
              method,
              shown,
              excerpt);
        }
        return new WandbHttpException(
            "Storage refused the download of "
                + what
                + " (HTTP "
                + status
                + ") at "
                + where
                + ": the signed URL may have expired",
            status,
            method,
            shown,
            "");
      case 404:
        return new WandbNotFoundException("Not found (HTTP 404): " + what + " at " + where);
      case 429:
        return new WandbRateLimitedException(
            "W&B is rate limiting requests (HTTP 429) for "
                + what
                + " at "
                + where
                + "; retries were used up: wait and try again, or lower concurrency",
            method,
            shown,
            retryAfter(res.responseHeaders()));
      default:
        String hint =
            status >= 500 && status != 501
                ? "; the server failed and retries were used up: try again later"
                : "";
        return new WandbHttpException(
            "HTTP " + status + " for " + what + " at " + where + hint,
            status,
            method,
            shown,
            excerpt);
    }
  }

  static Duration retryAfter(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.RETRY_AFTER);
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Duration.ZERO : Duration.ofSeconds(Math.min(seconds, 86_400));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /**
   * Retries an attempt as the settings say: retryable failures (connection errors, timeouts, 429,
   * 5xx except 501) with backoff and jitter, honouring a bounded {@code Retry-After}; others at
   * once. Failures are first translated to {@link WandbException}s.
   */
  public <T> Mono<T> withRetries(Mono<T> attempt, String what) {
    return Mono.deferContextual(ctx -> withRetries(attempt, what, ctx));
  }

  private <T> Mono<T> withRetries(Mono<T> attempt, String what, ContextView ctx) {
    RetrySettings retry = settings.retry();
    return attempt
        .onErrorMap(e -> translate(e, what))
        .retryWhen(
            Retry.from(
                signals ->
                    signals.concatMap(
                        signal -> {
                          Throwable e = signal.failure();
                          if (!isRetryable(e) || signal.totalRetries() >= retry.maxRetries()) {
                            return Mono.error(e);
                          }
                          settings.events().retried(WandbClientListener.Operation.GRAPHQL, e, ctx);
                          Duration wait = delayFor(e, signal.totalRetries());
                          if (log.isDebugEnabled()) {
                            log.debug(
                                "Retrying {} in {} ms after: {}",
                                what,
                                wait.toMillis(),
                                e.toString());
                          }
                          return Mono.delay(wait);
                        })))
        .doOnError(e -> settings.events().failed(WandbClientListener.Operation.GRAPHQL, e, ctx));
  }

  Duration delayFor(Throwable e, long retriesSoFar) {
    RetrySettings retry = settings.retry();
    if (e instanceof WandbRateLimitedException) {
      Duration asked = ((WandbRateLimitedException) e).retryAfter();
      if (asked != null) {
        return retry.boundRetryAfter(asked);
      }
    }
    return retry.backoff(retriesSoFar);
  }

  static boolean isRetryable(Throwable e) {
    return e instanceof WandbException && ((WandbException) e).isRetryable();
  }

  /** Turns transport failures into typed, retryable errors; leaves typed errors alone. */
  static Throwable translate(Throwable e, String what) {
    if (e instanceof WandbException) {
      return e;
    }
    if (Acquisition.isPoolTimeout(e)) {
      return Acquisition.poolError(e, what);
    }
    if (e instanceof TimeoutException || e instanceof ReadTimeoutException) {
      return new WandbConnectionException("Timed out waiting for the server: " + what, e);
    }
    if (e instanceof SSLException) {
      return new WandbConnectionException(
          "TLS handshake with the server failed ("
              + e.getMessage()
              + ") for "
              + what
              + ": if it uses a private certificate authority, pass its certificates with"
              + " WandbClient.builder().trustManagerFactory(...)",
          e,
          false);
    }
    if (e instanceof PrematureCloseException) {
      return new WandbConnectionException(
          "The server closed the connection before answering completely: " + what, e);
    }
    if (e instanceof IOException) {
      return new WandbConnectionException(
          "Connection failed (" + e.getClass().getSimpleName() + "): " + what, e);
    }
    return e;
  }

  /** Parses a collected body; may throw. */
  @FunctionalInterface
  interface BodyParser<T> {
    T parse(ByteBuf body) throws Exception;
  }

  /** Carries a redirect out of a response handler, after its connection is released. */
  private static final class Redirect extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient URI target;

    Redirect(URI target) {
      super(null, null, false, false);
      this.target = target;
    }
  }
}
