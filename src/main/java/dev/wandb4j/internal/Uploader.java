package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbNotFoundException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Sends one local file to a signed upload URL: one {@code PUT} with {@code Content-Length} and the
 * server's upload headers, never the API key, whatever the URL's origin.
 *
 * <p>The body goes from the file to the socket without passing through the Java heap: as a file
 * region ({@code sendfile}) where the connection allows it, else (TLS) as chunks read ahead one at
 * a time from an {@link AsynchronousFileChannel} and written only while the socket is writable, so
 * that a slow network holds back the reads instead of filling memory.
 *
 * <p>An attempt that fails with a connection error, a 5xx other than 501 or a 429 is retried as a
 * whole, from the first byte, with the client's backoff (honouring a bounded {@code Retry-After});
 * a URL refused as expired (403 or 400 from storage) is replaced once by a fresh one. A send that
 * makes no progress for the read timeout (storage stopped reading) fails the attempt. Before each
 * attempt the file is checked to be the one looked at when the upload began. Internal.
 */
final class Uploader {
  /** The largest chunk read for a connection that cannot take a file region. */
  static final int MAX_CHUNK = 256 << 10;

  /** Headers that frame the request, which an upload header may not set. */
  private static final Set<String> FRAMING =
      Set.of("content-length", "transfer-encoding", "host", "connection");

  private final HttpCore http;
  private final TransferBudget budget;

  Uploader(HttpCore http, TransferBudget budget) {
    this.http = http;
    this.budget = budget;
  }

  /** Where a file goes: its signed URL and the headers the PUT must carry. */
  record Target(URI url, List<String[]> headers) {}

  /**
   * Uploads a file.
   *
   * @param target where to, first
   * @param file the file, as looked at when the upload began
   * @param what names the file and run in messages
   * @param sent told the bytes sent so far, from 0 again when an attempt starts over
   * @param refresh a fresh target, for a URL refused as expired
   * @return completes once storage has accepted the whole file
   */
  Mono<Void> put(
      Target target,
      LocalFile file,
      String what,
      LongConsumer sent,
      Supplier<Mono<Target>> refresh) {
    return Mono.deferContextual(
        ctx -> {
          AtomicReference<Target> current = new AtomicReference<>(target);
          budget.transferStarted();
          return Mono.defer(() -> attempt(current.get(), file, what, sent))
              .retryWhen(policy(current, refresh, what, ctx))
              .onErrorMap(e -> HttpCore.translate(e, what))
              .doOnError(
                  e ->
                      http.settings().events().failed(WandbClientListener.Operation.UPLOAD, e, ctx))
              .doFinally(s -> budget.transferEnded());
        });
  }

  private Retry policy(
      AtomicReference<Target> current,
      Supplier<Mono<Target>> refresh,
      String what,
      ContextView ctx) {
    RetrySettings settings = http.settings().retry();
    boolean[] refreshed = {false};
    long[] retries = {0};
    return Retry.from(
        signals ->
            signals.concatMap(
                signal -> {
                  Throwable e = HttpCore.translate(signal.failure(), what);
                  if (isExpired(e) && !refreshed[0]) {
                    refreshed[0] = true;
                    return refresh.get().doOnNext(current::set);
                  }
                  if (!HttpCore.isRetryable(e) || retries[0] >= settings.maxRetries()) {
                    return Mono.error(e);
                  }
                  http.settings().events().retried(WandbClientListener.Operation.UPLOAD, e, ctx);
                  return Mono.delay(http.delayFor(e, retries[0]++));
                }));
  }

  /** A refusal from storage that a fresh signed URL may cure. */
  private boolean isExpired(Throwable e) {
    if (!(e instanceof WandbHttpException)) {
      return false;
    }
    WandbHttpException h = (WandbHttpException) e;
    return (h.status() == 403 || h.status() == 400) && !http.origin().contains(URI.create(h.uri()));
  }

  /** One PUT of the whole file; fails if the send stalls for the read timeout. */
  private Mono<Void> attempt(Target target, LocalFile file, String what, LongConsumer sent) {
    Sending sending = new Sending(sent);
    boolean tls = "https".equals(target.url().getScheme().toLowerCase(Locale.ROOT));
    Mono<Void> exchange =
        Mono.usingWhen(
            FileIo.shared().call(() -> Opened.open(file, tls, what)),
            opened -> exchange(target, file.size(), opened, sending, what),
            Opened::closeAsync,
            (opened, e) -> opened.closeAsync(),
            Opened::closeAsync);
    return exchange.or(stalled(sending, what));
  }

  private Mono<Void> exchange(
      Target target, long size, Opened opened, Sending sending, String what) {
    URI url = target.url();
    Acquisition acquisition = new Acquisition();
    Flux<Void> exchange =
        http.withoutCredentials(url, acquisition)
            .headers(h -> headers(h, target, size))
            .put()
            .uri(url.toString())
            .send((req, out) -> body(out, size, opened, sending, what))
            .response((res, content) -> answer(res, content, url, what));
    // Only the wait for a connection is bounded here: the send is timed by the stall check, the
    // answer by the read timeout.
    return acquisition
        .bound(exchange, http.transferAcquire(), url, what, http.maxConnections())
        .then();
  }

  private static void headers(HttpHeaders h, Target target, long size) {
    for (String[] header : target.headers()) {
      if (!FRAMING.contains(header[0].toLowerCase(Locale.ROOT))) {
        h.add(header[0], header[1]);
      }
    }
    h.remove(HttpHeaderNames.AUTHORIZATION);
    h.set(HttpHeaderNames.CONTENT_LENGTH, size);
  }

  /** Writes the body: a file region where the connection allows it, else chunks. */
  private org.reactivestreams.Publisher<Void> body(
      NettyOutbound out, long size, Opened opened, Sending sending, String what) {
    if (size == 0) {
      return out;
    }
    AtomicReference<Connection> conn = new AtomicReference<>();
    out.withConnection(conn::set);
    Channel channel = conn.get().channel();
    if (opened.file() != null && takesFileRegion(channel)) {
      return out.then(
          Mono.defer(
              () ->
                  write(
                      channel,
                      new DefaultFileRegion(opened.file(), 0, size),
                      size,
                      sending,
                      () -> {})));
    }
    ChunkedWriteHandler writer = channel.pipeline().get(ChunkedWriteHandler.class);
    if (writer == null) {
      writer = new ChunkedWriteHandler();
      conn.get().addHandlerLast(NettyPipeline.ChunkedWriter, writer);
    }
    ChunkedWriteHandler handler = writer;
    // Created, and reading ahead, only once it is written: the handler then owns it and closes it
    // whatever happens, so no chunk read for an exchange cancelled before is left behind.
    return out.then(
        Mono.defer(
            () -> {
              FileChunks chunks =
                  new FileChunks(
                      opened.file() != null
                          ? FileChunks.Source.of(opened.file())
                          : FileChunks.Source.of(opened.async()),
                      size,
                      channel.alloc(),
                      () -> Math.min(MAX_CHUNK, budget.readCap()),
                      what);
              return write(channel, chunks, size, sending, () -> chunks.resumeWith(handler));
            }));
  }

  /**
   * Whether a file region can go to this connection as it is: not through TLS, nor a multiplexed
   * HTTP/2 stream, nor compression.
   */
  private static boolean takesFileRegion(Channel channel) {
    ChannelPipeline p = channel.pipeline();
    return p.get(SslHandler.class) == null
        && p.get(NettyPipeline.CompressionHandler) == null
        && channel.parent() == null;
  }

  /**
   * Writes the body and completes once it is all written. A chunked input that fails is closed here
   * too (closing is idempotent): one refused before the handler took it would otherwise keep the
   * chunk it has read.
   */
  private static Mono<Void> write(
      Channel channel, Object message, long size, Sending sending, Runnable beforeWrite) {
    return Mono.create(
        sink -> {
          ChannelProgressivePromise promise = channel.newProgressivePromise();
          promise.addListener(
              new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(
                    ChannelProgressiveFuture future, long progress, long total) {
                  sending.moved(progress);
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture future) {
                  if (future.isSuccess()) {
                    sending.done(size);
                    sink.success();
                  } else {
                    sending.stopped();
                    if (message instanceof FileChunks) {
                      ((FileChunks) message).close();
                    }
                    sink.error(future.cause());
                  }
                }
              });
          sending.started();
          beforeWrite.run();
          channel.writeAndFlush(message, promise);
        });
  }

  private Mono<Void> answer(HttpClientResponse res, ByteBufFlux content, URI url, String what) {
    int status = res.status().code();
    Duration drain = Bodies.drainTime(http.settings().readTimeout());
    if (status >= 200 && status < 300) {
      return Bodies.drain(content, drain);
    }
    return Bodies.excerpt(content, drain)
        .flatMap(text -> Mono.error(statusError(res, url, text, what)));
  }

  private WandbException statusError(HttpClientResponse res, URI url, String excerpt, String what) {
    int status = res.status().code();
    String shown = Redaction.uri(url);
    switch (status) {
      case 401:
      case 403:
        return new WandbHttpException(
            "Storage refused the upload of "
                + what
                + " (HTTP "
                + status
                + ") at PUT "
                + shown
                + ": the signed URL may have expired"
                + code(excerpt),
            status,
            "PUT",
            shown,
            excerpt);
      case 404:
        return new WandbNotFoundException(
            "Storage answered 404 to the upload of " + what + " at PUT " + shown + code(excerpt));
      default:
        return http.statusError(res, url, "PUT", excerpt, "the upload of " + what);
    }
  }

  /** The error code of an S3- or GCS-style XML error body, for the message, or nothing. */
  private static String code(String excerpt) {
    int start = excerpt.indexOf("<Code>");
    int end = excerpt.indexOf("</Code>");
    return start >= 0 && end > start ? " (" + excerpt.substring(start + 6, end) + ")" : "";
  }

  /**
   * Fails once a send in progress has moved no byte for the read timeout: storage that stops
   * reading would otherwise hold the upload forever. Waiting for the answer after the last byte is
   * the response timeout's business.
   */
  private Mono<Void> stalled(Sending sending, String what) {
    Duration timeout = http.settings().readTimeout();
    Duration period = Duration.ofMillis(Math.max(10, timeout.toMillis() / 4));
    return Flux.interval(period)
        .filter(tick -> sending.idleNanos() > timeout.toNanos())
        .next()
        .then(
            Mono.error(
                () ->
                    new WandbConnectionException(
                        "Timed out: no byte of "
                            + what
                            + " could be sent for "
                            + timeout.toMillis()
                            + " ms; storage stopped reading it",
                        null)));
  }

  /** The state of one attempt's send, for progress and the stall timer. */
  private static final class Sending {
    private final LongConsumer sent;
    private volatile boolean active;
    private volatile long lastMoved = System.nanoTime();

    Sending(LongConsumer sent) {
      this.sent = sent;
    }

    void started() {
      lastMoved = System.nanoTime();
      active = true;
      sent.accept(0);
    }

    void moved(long progress) {
      lastMoved = System.nanoTime();
      sent.accept(progress);
    }

    void done(long size) {
      active = false;
      sent.accept(size);
    }

    void stopped() {
      active = false;
    }

    long idleNanos() {
      return active ? System.nanoTime() - lastMoved : 0;
    }
  }

  /**
   * The file opened for one attempt: a channel for a file region over plain http, an asynchronous
   * channel for chunks over TLS.
   */
  private record Opened(FileChannel file, AsynchronousFileChannel async) {
    static Opened open(LocalFile f, boolean tls, String what) throws IOException {
      if (!tls) {
        return new Opened(f.open(what), null);
      }
      f.checkUnchanged(what);
      return new Opened(null, FileIo.shared().open(f.path(), f.openOptions()));
    }

    Mono<Void> closeAsync() {
      return FileIo.shared()
          .call(
              () -> {
                if (file != null) {
                  file.close();
                }
                if (async != null) {
                  async.close();
                }
                return true;
              })
          .then();
    }
  }
}
