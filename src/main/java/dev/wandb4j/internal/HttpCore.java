package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbRateLimitedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * The client's HTTP layer over one Reactor Netty {@link HttpClient}: adds the credentials only to
 * the API origin, follows redirects by hand (so that no header leaks to another origin), maps
 * statuses to typed errors, and retries. Internal.
 */
public final class HttpCore {
  private static final Logger log = Loggers.getLogger(HttpCore.class);

  /** Redirects followed for one request before giving up. */
  static final int MAX_REDIRECTS = 10;

  /** How much of an error body is kept for the exception. */
  static final int MAX_EXCERPT = 1024;

  /** The largest chunk of body the HTTP decoder hands over at once. */
  static final int MAX_CHUNK_SIZE = TransferBudget.MAX_READ;

  private final ClientSettings settings;
  private final ApiOrigin origin;
  private final String authorization;
  private final HttpClient http;
  private final HttpClient bodies;
  private final ConnectionProvider ownedProvider;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Sinks.Empty<Void> disposed = Sinks.empty();
  private final AtomicBoolean disposing = new AtomicBoolean();

  /**
   * Creates the HTTP layer.
   *
   * @param settings the client's settings
   * @param provider a borrowed connection provider, or {@code null} to create (and own) one
   * @param loops borrowed event loops, or {@code null} for Reactor Netty's shared ones
   * @param maxConnections the size of an owned pool
   * @param poolMetrics whether an owned pool publishes Reactor Netty's metrics to Micrometer's
   *     global registry
   * @param poolMeters where an owned pool publishes its metrics instead, or {@code null}
   * @param trust trust managers for https, or {@code null} for the JDK's default trust store
   * @param budget the memory all transfers share, which also caps socket reads
   */
  // maxChunkSize is deprecated because Netty 5 drops it; Netty 4 still splits bodies into chunks
  // of at most this size (8 KiB by default), and larger chunks mean far fewer file writes.
  @SuppressWarnings("deprecation")
  public HttpCore(
      ClientSettings settings,
      ConnectionProvider provider,
      LoopResources loops,
      int maxConnections,
      boolean poolMetrics,
      ConnectionProvider.MeterRegistrar poolMeters,
      TrustManagerFactory trust,
      TransferBudget budget) {
    this.settings = settings;
    this.origin = ApiOrigin.of(settings.baseUrl());
    this.authorization =
        settings.apiKey() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(("api:" + settings.apiKey()).getBytes(StandardCharsets.UTF_8));
    if (provider == null) {
      ConnectionProvider.Builder pool =
          ConnectionProvider.builder("wandb4j")
              .maxConnections(maxConnections)
              .pendingAcquireMaxCount(-1)
              .pendingAcquireTimeout(Duration.ofHours(1))
              .maxIdleTime(Duration.ofSeconds(30));
      this.ownedProvider =
          (poolMeters != null ? pool.metrics(true, () -> poolMeters) : pool.metrics(poolMetrics))
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
    if (loops != null) {
      client = client.runOn(loops);
    }
    if (trust != null) {
      SslContext ssl;
      try {
        ssl = SslContextBuilder.forClient().trustManager(trust).build();
      } catch (SSLException e) {
        throw new IllegalArgumentException("Could not build a TLS context: " + e.getMessage(), e);
      }
      client = client.secure(spec -> spec.sslContext(ssl));
    }
    this.http = client;
    // Bodies are timed by IdleBodyTimeout from their headers on; Netty's read timeout would also
    // count the time a slow consumer takes, since backpressure stops the socket being read.
    this.bodies =
        client.doOnResponse(
            (res, connection) -> connection.removeHandler(NettyPipeline.ResponseTimeoutHandler));
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

  private HttpClient clientFor(URI uri, Function<HttpHeaders, HttpHeaders> extra) {
    return clientFor(http, uri, extra);
  }

  private HttpClient clientFor(HttpClient base, URI uri, Function<HttpHeaders, HttpHeaders> extra) {
    boolean trusted = origin.contains(uri);
    return base.headers(
        h -> {
          h.set(HttpHeaderNames.USER_AGENT, settings.userAgent());
          if (trusted) {
            h.set(HttpHeaderNames.AUTHORIZATION, authorization);
          }
          extra.apply(h);
        });
  }

  /**
   * One POST of a JSON body to the API, its 200 answer parsed by {@code parser}; other statuses
   * become typed errors. Not retried here.
   */
  <T> Mono<T> postJson(URI uri, byte[] body, BodyParser<T> parser, String what) {
    return Mono.defer(
        () -> {
          ensureOpen();
          requireKey(uri, "POST");
          return clientFor(
                  uri,
                  h ->
                      h.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                          .set(HttpHeaderNames.ACCEPT, "application/json"))
              .request(HttpMethod.POST)
              .uri(uri.toString())
              .send(Mono.fromCallable(() -> Unpooled.wrappedBuffer(body)))
              .response(
                  (res, content) -> {
                    int status = res.status().code();
                    if (status == 200) {
                      return collect(content, settings.maxResponseBytes(), what, parser);
                    }
                    return excerpt(content)
                        .flatMap(text -> Mono.error(statusError(res, uri, "POST", text, what)));
                  })
              .next();
        });
  }

  /**
   * One GET, following redirects, whose 2xx body is emitted as buffers that the subscriber owns and
   * must release. {@code onHeaders} sees the final response before any byte and may throw to refuse
   * it. Not retried here.
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
              return clientFor(
                      bodies,
                      uri,
                      h -> {
                        if (offset > 0 || end >= 0) {
                          h.set(
                              HttpHeaderNames.RANGE,
                              "bytes=" + offset + "-" + (end >= 0 ? String.valueOf(end) : ""));
                          if (ifRange != null) {
                            h.set(HttpHeaderNames.IF_RANGE, ifRange);
                          }
                        }
                        return h;
                      })
                  .get()
                  .uri(uri.toString())
                  .response(
                      (res, content) -> {
                        int status = res.status().code();
                        if (status >= 300 && status < 400 && status != 304) {
                          URI next;
                          try {
                            next = redirectTarget(uri, res, hop, what);
                          } catch (RuntimeException refused) {
                            // Refused, but its connection goes back to the pool all the same.
                            return drain(content).then(Mono.error(refused));
                          }
                          return drain(content).then(Mono.error(new Redirect(next)));
                        }
                        if (status >= 200 && status < 300) {
                          try {
                            onHeaders.accept(res);
                          } catch (RuntimeException refused) {
                            abandon(content);
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
                        return (trusted ? excerpt(content) : drain(content).thenReturn(""))
                            .flatMap(text -> Mono.error(statusError(res, uri, "GET", text, what)));
                      });
            })
        .onErrorResume(
            Redirect.class, r -> get(r.target, offset, end, ifRange, onHeaders, what, hop + 1));
  }

  private URI redirectTarget(URI current, HttpClientResponse res, int hop, String what) {
    String location = res.responseHeaders().get(HttpHeaderNames.LOCATION);
    String from = Redaction.uri(current);
    if (location == null || location.isBlank()) {
      throw new WandbHttpException(
          "Redirect without a Location header from " + from + " for " + what,
          res.status().code(),
          "GET",
          from,
          "");
    }
    if (hop + 1 > MAX_REDIRECTS) {
      throw new WandbHttpException(
          "Too many redirects (more than "
              + MAX_REDIRECTS
              + ") for "
              + what
              + ", last from "
              + from,
          res.status().code(),
          "GET",
          from,
          "");
    }
    URI next;
    try {
      next = current.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new WandbHttpException(
          "Redirect to an invalid URL from " + from + " for " + what,
          res.status().code(),
          "GET",
          from,
          "");
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
      throw new WandbHttpException(
          "Refused a redirect to a non-http(s) URL from " + from + " for " + what,
          res.status().code(),
          "GET",
          from,
          "");
    }
    if (scheme.equals("http") && "https".equalsIgnoreCase(current.getScheme())) {
      throw new WandbHttpException(
          "Refused a redirect from https to plain http ("
              + Redaction.uri(next)
              + ") for "
              + what
              + ": the transfer would no longer be private",
          res.status().code(),
          "GET",
          from,
          "");
    }
    return next;
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
   * Reads a body to its end and drops it. Not {@code then()}: that would hand each buffer to the
   * discard hook as well as to Reactor Netty, releasing it twice.
   */
  private static Mono<Void> drain(ByteBufFlux content) {
    return content.reduce(0L, (n, buf) -> n + buf.readableBytes()).then();
  }

  /**
   * Gives up on a body without reading it: the subscription is cancelled at once, so Reactor Netty
   * releases whatever it has queued and closes the connection.
   */
  private static void abandon(ByteBufFlux content) {
    content.subscribe(
        new BaseSubscriber<ByteBuf>() {
          @Override
          protected void hookOnSubscribe(Subscription subscription) {
            subscription.cancel();
          }
        });
  }

  /** Reads at most {@link #MAX_EXCERPT} bytes of an error body as text. */
  private static Mono<String> excerpt(ByteBufFlux content) {
    return content
        .reduceWith(
            StringBuilder::new,
            (sb, buf) -> {
              int room = MAX_EXCERPT - sb.length();
              if (room > 0) {
                int n = Math.min(room, buf.readableBytes());
                sb.append(buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_8));
              }
              return sb;
            })
        .map(sb -> sb.length() > MAX_EXCERPT ? sb.substring(0, MAX_EXCERPT) : sb.toString())
        .defaultIfEmpty("")
        .onErrorReturn("");
  }

  /**
   * Collects a body of at most {@code max} bytes without copying it, and parses it; the buffers are
   * released whatever happens.
   */
  private static <T> Mono<T> collect(ByteBufFlux content, int max, String what, BodyParser<T> p) {
    return Mono.usingWhen(
        Mono.fromSupplier(() -> Unpooled.compositeBuffer(Integer.MAX_VALUE)),
        composite ->
            content
                .doOnNext(
                    buf -> {
                      if ((long) composite.readableBytes() + buf.readableBytes() > max) {
                        throw new WandbException(
                            "The response for "
                                + what
                                + " is larger than "
                                + max
                                + " bytes, the most this client reads; ask for smaller pages",
                            null,
                            false);
                      }
                      composite.addComponent(true, buf.retain());
                    })
                .then(Mono.fromCallable(() -> p.parse(composite))),
        HttpCore::release,
        (composite, e) -> release(composite),
        HttpCore::release);
  }

  private static Mono<Void> release(CompositeByteBuf composite) {
    return Mono.fromRunnable(() -> ReferenceCountUtil.safeRelease(composite));
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
