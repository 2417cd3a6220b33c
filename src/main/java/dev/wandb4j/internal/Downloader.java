package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbTransferException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Downloads files: to disk through {@link FileTransfer}, or as a stream of buffers. Shares the
 * request, redirect, resume and retry rules between the two. Internal.
 */
public final class Downloader {
  /**
   * The largest buffer a {@code content()} stream emits: 8 KiB. A consumer that asks for many
   * buffers ahead (Reactor Netty's {@code send} asks for 128) then holds about a megabyte per
   * stream instead of 128 socket reads of up to a megabyte each.
   */
  static final int CONTENT_CHUNK = 8 * 1024;

  private final HttpCore http;
  private final TransferBudget budget;
  private final Transfers transfers;

  public Downloader(HttpCore http, TransferBudget budget, Transfers transfers) {
    this.http = http;
    this.budget = budget;
    this.transfers = transfers;
  }

  HttpCore http() {
    return http;
  }

  TransferBudget budget() {
    return budget;
  }

  Transfers transfers() {
    return transfers;
  }

  Events events() {
    return http.settings().events();
  }

  /**
   * Downloads a file to {@code root/name}, atomically.
   *
   * @param file the file
   * @param runLabel names the run in messages
   * @param root the download root
   * @param spec what to do with an existing target, what to verify, whom to tell
   * @param refresh looks the file up again, for a fresh URL when a signed one has expired
   * @return what was done, and the final path
   */
  public Mono<Outcome> download(
      FileData file,
      String runLabel,
      Path root,
      DownloadSpec spec,
      Supplier<Mono<FileData>> refresh) {
    return events()
        .observe(
            WandbClientListener.Operation.DOWNLOAD,
            Mono.defer(() -> new FileTransfer(this, file, runLabel, root, spec, refresh).run()));
  }

  /**
   * {@code length} bytes of the file from {@code from}, as buffers the subscriber owns. Resumes
   * with a {@code Range} request after a broken connection, never across two versions of the file;
   * checks the length at the end.
   */
  public Flux<ByteBuf> content(
      FileData file, String runLabel, long from, long length, Supplier<Mono<FileData>> refresh) {
    Flux<ByteBuf> body =
        Flux.deferContextual(
            ctx -> {
              ContentStream st = new ContentStream(file, describe(file, runLabel), from, length);
              TransferState state = st.state(file, refresh);
              return Flux.defer(() -> st.attempt(state, ctx))
                  .retryWhen(retryPolicy(state, ctx))
                  .onErrorMap(e -> exhausted(e, state, st.emitted))
                  .concatWith(Mono.<ByteBuf>defer(st::checkLength))
                  .doOnError(e -> events().failed(WandbClientListener.Operation.DOWNLOAD, e, ctx));
            });
    Flux<ByteBuf> chunked =
        Flux.defer(
            () -> {
              // A stream counts as a transfer: socket reads shrink as streams are added.
              budget.transferStarted();
              return body.concatMap(Downloader::chunks, 0).doFinally(s -> budget.transferEnded());
            });
    return events()
        .observe(WandbClientListener.Operation.DOWNLOAD, chunked)
        .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
  }

  /**
   * A received buffer as retained slices of at most {@link #CONTENT_CHUNK} bytes, made as demand
   * asks for them; the buffer itself is released after its last slice, or on cancel.
   */
  static Flux<ByteBuf> chunks(ByteBuf buf) {
    return Flux.generate(
        () -> buf,
        (b, sink) -> {
          int n = Math.min(CONTENT_CHUNK, b.readableBytes());
          if (n > 0) {
            sink.next(b.readRetainedSlice(n));
          }
          if (!b.isReadable()) {
            sink.complete();
          }
          return b;
        },
        ReferenceCountUtil::safeRelease);
  }

  /** One stream's position, from one attempt to the next. */
  private final class ContentStream {
    final String what;
    final long from;
    final long limit;
    long emitted;
    long skip;
    boolean wholeBody;

    ContentStream(FileData file, String what, long from, long length) {
      this.what = what;
      this.from = from;
      this.limit = length;
    }

    TransferState state(FileData file, Supplier<Mono<FileData>> refresh) {
      TransferState s = new TransferState(file, what, refresh, () -> emitted);
      boolean toTheEnd = from + limit >= file.size();
      s.end = from == 0 && toTheEnd ? -1 : from + limit - 1;
      return s;
    }

    Flux<ByteBuf> attempt(TransferState state, ContextView ctx) {
      long offset = from + emitted;
      if (state.attempts++ > 0 && emitted == limit || limit == 0) {
        return Flux.empty();
      }
      return http.get(
              state.url,
              offset,
              state.end,
              state.ifRange(offset),
              res -> {
                TransferState.Start start = state.check(res, offset);
                if (start == TransferState.Start.CHANGED && emitted > 0) {
                  throw new WandbTransferException(
                      "The file changed while it was being read: "
                          + what
                          + " has a new version since "
                          + emitted
                          + " bytes were delivered; read it again from the start",
                      null,
                      false);
                }
                // A 206 body starts at the offset asked for, whatever version it is of; any other
                // starts at byte 0 and is read up to the offset.
                wholeBody = res.status().code() != 206;
                skip = wholeBody ? offset : 0;
              },
              what)
          .handle(
              (buf, sink) -> {
                int n = buf.readableBytes();
                if (skip > 0) {
                  int drop = (int) Math.min(skip, n);
                  skip -= drop;
                  buf.skipBytes(drop);
                  n -= drop;
                  if (n == 0) {
                    buf.release();
                    return;
                  }
                }
                long room = limit - emitted;
                if (n > room) {
                  if (!wholeBody) {
                    buf.release();
                    sink.error(tooLong(what, limit));
                    return;
                  }
                  // The server sent more than was asked for; keep that and stop reading.
                  if (room > 0) {
                    ByteBuf part = buf.readRetainedSlice((int) room);
                    emitted += room;
                    events().bytesDownloaded(room, ctx);
                    sink.next(part);
                  }
                  buf.release();
                  sink.complete();
                  return;
                }
                emitted += n;
                events().bytesDownloaded(n, ctx);
                sink.next(buf);
              });
    }

    Mono<ByteBuf> checkLength() {
      if (emitted != limit) {
        return Mono.error(sizeMismatch(what, limit, emitted));
      }
      return Mono.empty();
    }
  }

  static String describe(FileData file, String runLabel) {
    return "file '" + SafePaths.printable(file.name()) + "' of run " + runLabel;
  }

  /**
   * Retries attempts of one transfer: expired signed URLs are refreshed once; retryable failures
   * are retried with backoff, and a failure after progress starts the count afresh, so a long
   * download is not failed by a few resets spread over hours.
   */
  Retry retryPolicy(TransferState st, ContextView ctx) {
    RetrySettings settings = http.settings().retry();
    return Retry.from(
        signals ->
            signals.concatMap(
                signal -> {
                  Throwable e = HttpCore.translate(signal.failure(), st.what);
                  if (isExpiredSignedUrl(e) && !st.refreshed) {
                    st.refreshed = true;
                    return st.refresh
                        .get()
                        .map(
                            fresh -> {
                              st.url = parseUrl(fresh.url(), st.what);
                              return fresh;
                            });
                  }
                  if (!HttpCore.isRetryable(e)) {
                    return Mono.error(e);
                  }
                  long progress = st.progress();
                  if (progress > st.progressAtLastFailure) {
                    st.progressAtLastFailure = progress;
                    st.failuresWithoutProgress = 0;
                  }
                  if (st.failuresWithoutProgress >= settings.maxRetries()) {
                    return Mono.error(e);
                  }
                  events().retried(WandbClientListener.Operation.DOWNLOAD, e, ctx);
                  return Mono.delay(http.delayFor(e, st.failuresWithoutProgress++));
                }));
  }

  private boolean isExpiredSignedUrl(Throwable e) {
    if (!(e instanceof WandbHttpException) || e instanceof WandbAuthenticationException) {
      return false;
    }
    WandbHttpException h = (WandbHttpException) e;
    return (h.status() == 403 || h.status() == 400) && !http.origin().contains(URI.create(h.uri()));
  }

  /** The error a caller sees once retries are used up: transfers say how far they got. */
  static Throwable exhausted(Throwable e, TransferState st, long done) {
    Throwable t = HttpCore.translate(e, st.what);
    if (t instanceof WandbConnectionException && done > 0) {
      return new WandbTransferException(
          "Download of "
              + st.what
              + " broke after "
              + done
              + " bytes and could not be resumed: "
              + t.getMessage(),
          t,
          true);
    }
    return t;
  }

  static URI parseUrl(String url, String what) {
    if (url == null || url.isBlank()) {
      throw new WandbTransferException("W&B gave no download URL for " + what);
    }
    try {
      URI uri = URI.create(url.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new WandbTransferException(
          "W&B gave a download URL for " + what + " that is not an absolute http(s) URL");
    }
  }

  static WandbTransferException tooLong(String what, long size) {
    return new WandbTransferException(
        "The server sent more than the " + size + " bytes W&B lists for " + what, null, false);
  }

  static WandbTransferException sizeMismatch(String what, long expected, long actual) {
    return new WandbTransferException(
        "Size mismatch for " + what + ": expected " + expected + " bytes, got " + actual,
        null,
        true);
  }

  static WandbTransferException diskError(Path path, IOException e) {
    return new WandbTransferException(
        "Could not write " + path + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
        e,
        false);
  }
}
