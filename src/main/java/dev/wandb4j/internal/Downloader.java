package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbTransferException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.retry.Retry;

/**
 * Downloads files: to disk through {@link FileTransfer}, or as a stream of buffers. Shares the
 * request, redirect, resume and retry rules between the two. Internal.
 */
public final class Downloader {
  private final HttpCore http;

  public Downloader(HttpCore http) {
    this.http = http;
  }

  HttpCore http() {
    return http;
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
    return Mono.defer(() -> new FileTransfer(this, file, runLabel, root, spec, refresh).run());
  }

  /**
   * {@code length} bytes of the file from {@code from}, as buffers the subscriber owns. Resumes
   * with a {@code Range} request after a broken connection; checks the length at the end.
   */
  public Flux<ByteBuf> content(
      FileData file, String runLabel, long from, long length, Supplier<Mono<FileData>> refresh) {
    return Flux.defer(
            () -> {
              ContentState st =
                  new ContentState(file, describe(file, runLabel), refresh, from, length);
              return Flux.defer(() -> contentAttempt(st))
                  .retryWhen(retryPolicy(st))
                  .onErrorMap(e -> exhausted(e, st, st.emitted))
                  .concatWith(Mono.<ByteBuf>defer(() -> checkContentSize(st)))
                  .doOnError(e -> events().failed(WandbClientListener.Operation.DOWNLOAD, e));
            })
        .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
  }

  Events events() {
    return http.settings().events();
  }

  private Flux<ByteBuf> contentAttempt(ContentState st) {
    long offset = st.from + st.emitted;
    if (st.attempts++ > 0 && st.emitted == st.limit) {
      return Flux.empty();
    }
    if (st.limit == 0) {
      return Flux.empty();
    }
    return http.get(
            st.url,
            offset,
            st.end,
            offset > 0 ? st.validator : null,
            res -> {
              long start = st.checkHeaders(res, offset, st.what);
              st.skip = offset - start;
              st.wholeBody = res.status().code() != 206;
            },
            st.what)
        .handle(
            (buf, sink) -> {
              int n = buf.readableBytes();
              if (st.skip > 0) {
                int drop = (int) Math.min(st.skip, n);
                st.skip -= drop;
                buf.skipBytes(drop);
                n -= drop;
                if (n == 0) {
                  buf.release();
                  return;
                }
              }
              long room = st.limit - st.emitted;
              if (n > room) {
                if (!st.wholeBody) {
                  buf.release();
                  sink.error(tooLong(st.what, st.limit));
                  return;
                }
                // The server sent the whole file; keep what was asked for and stop reading.
                if (room > 0) {
                  ByteBuf part = buf.readRetainedSlice((int) room);
                  st.emitted += room;
                  events().bytesDownloaded(room);
                  sink.next(part);
                }
                buf.release();
                sink.complete();
                return;
              }
              st.emitted += n;
              events().bytesDownloaded(n);
              sink.next(buf);
            });
  }

  private static Mono<ByteBuf> checkContentSize(ContentState st) {
    if (st.emitted != st.limit) {
      return Mono.error(sizeMismatch(st.what, st.limit, st.emitted));
    }
    return Mono.empty();
  }

  static String describe(FileData file, String runLabel) {
    return "file '" + SafePaths.printable(file.name()) + "' of run " + runLabel;
  }

  /**
   * Retries attempts of one transfer: expired signed URLs are refreshed once; retryable failures
   * are retried with backoff, and a failure after progress starts the count afresh, so a long
   * download is not failed by a few resets spread over hours.
   */
  Retry retryPolicy(ResumeState rs) {
    RetrySettings settings = http.settings().retry();
    return Retry.from(
        signals ->
            signals.concatMap(
                signal -> {
                  Throwable e = HttpCore.translate(signal.failure(), rs.what);
                  if (isExpiredSignedUrl(e) && !rs.refreshed) {
                    rs.refreshed = true;
                    return rs.refresh
                        .get()
                        .map(
                            fresh -> {
                              rs.url = parseUrl(fresh.url(), rs.what);
                              return fresh;
                            });
                  }
                  if (!HttpCore.isRetryable(e)) {
                    return Mono.error(e);
                  }
                  long progress = rs.progress();
                  if (progress > rs.progressAtLastFailure) {
                    rs.progressAtLastFailure = progress;
                    rs.failuresWithoutProgress = 0;
                  }
                  if (rs.failuresWithoutProgress >= settings.maxRetries()) {
                    return Mono.error(e);
                  }
                  events().retried(WandbClientListener.Operation.DOWNLOAD, e);
                  return Mono.delay(http.delayFor(e, rs.failuresWithoutProgress++));
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
  static Throwable exhausted(Throwable e, ResumeState rs, long done) {
    Throwable t = HttpCore.translate(e, rs.what);
    if (t instanceof dev.wandb4j.error.WandbConnectionException && done > 0) {
      return new WandbTransferException(
          "Download of "
              + rs.what
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

  /** The state of a transfer that survives from one attempt to the next. */
  abstract static class ResumeState {
    final String what;
    final Supplier<Mono<FileData>> refresh;
    final long expectedSize;

    /** The last byte wanted (inclusive), or -1 for the end of the file. */
    long end = -1;

    URI url;
    String validator;
    boolean refreshed;
    int attempts;
    long progressAtLastFailure;
    int failuresWithoutProgress;

    ResumeState(FileData file, String what, Supplier<Mono<FileData>> refresh) {
      this.what = what;
      this.refresh = refresh;
      this.expectedSize = file.size();
      this.url = parseUrl(file.url(), what);
    }

    /** Bytes safely delivered so far. */
    abstract long progress();

    /**
     * Checks a 2xx response to a request that started at {@code offset}, remembers its validator,
     * and returns where its body starts: {@code offset} for a matching 206, 0 for a 200 (the server
     * ignored or refused the range).
     */
    long checkHeaders(HttpClientResponse res, long offset, String what) {
      HttpHeaders h = res.responseHeaders();
      long wantedEnd =
          end >= 0 ? (expectedSize >= 0 ? Math.min(end, expectedSize - 1) : end) : expectedSize - 1;
      long start = 0;
      long announcedShouldBe = expectedSize;
      if (res.status().code() == 206) {
        long[] range = parseContentRange(h.get(HttpHeaderNames.CONTENT_RANGE));
        if (range == null || range[0] != offset || wantedEnd >= 0 && range[1] != wantedEnd) {
          throw new WandbTransferException(
              "The server answered a request for "
                  + what
                  + " from byte "
                  + offset
                  + " with a Content-Range that does not match ("
                  + h.get(HttpHeaderNames.CONTENT_RANGE)
                  + ")",
              null,
              true);
        }
        if (range[2] >= 0 && expectedSize >= 0 && range[2] != expectedSize) {
          throw sizeMismatch(what, expectedSize, range[2]);
        }
        start = offset;
        announcedShouldBe = wantedEnd >= 0 ? wantedEnd - start + 1 : -1;
      }
      String length = h.get(HttpHeaderNames.CONTENT_LENGTH);
      if (length != null && announcedShouldBe >= 0) {
        long announced;
        try {
          announced = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
          announced = -1;
        }
        if (announced != announcedShouldBe) {
          throw new WandbTransferException(
              "The server announced "
                  + length
                  + " bytes for "
                  + what
                  + (start > 0 ? " from byte " + start : "")
                  + ", but W&B lists "
                  + expectedSize
                  + " bytes in all",
              null,
              true);
        }
      }
      String etag = h.get(HttpHeaderNames.ETAG);
      if (etag != null && !etag.startsWith("W/")) {
        validator = etag;
      } else if (h.get(HttpHeaderNames.LAST_MODIFIED) != null) {
        validator = h.get(HttpHeaderNames.LAST_MODIFIED);
      }
      return start;
    }
  }

  /** Parses {@code bytes start-end/total} into {start, end, total (or -1)}; null if malformed. */
  static long[] parseContentRange(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (!v.regionMatches(true, 0, "bytes ", 0, 6)) {
      return null;
    }
    v = v.substring(6).strip();
    int dash = v.indexOf('-');
    int slash = v.indexOf('/');
    if (dash <= 0 || slash <= dash) {
      return null;
    }
    try {
      long start = Long.parseLong(v.substring(0, dash));
      long end = Long.parseLong(v.substring(dash + 1, slash));
      String t = v.substring(slash + 1);
      long total = t.equals("*") ? -1 : Long.parseLong(t);
      if (start < 0 || end < start || total != -1 && end >= total) {
        return null;
      }
      return new long[] {start, end, total};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static final class ContentState extends ResumeState {
    final long from;
    final long limit;
    long emitted;
    long skip;
    boolean wholeBody;

    ContentState(
        FileData file, String what, Supplier<Mono<FileData>> refresh, long from, long length) {
      super(file, what, refresh);
      this.from = from;
      this.limit = length;
      boolean toTheEnd = from + length >= file.size();
      this.end = from == 0 && toTheEnd ? -1 : from + length - 1;
    }

    @Override
    long progress() {
      return emitted;
    }
  }

  static WandbTransferException diskError(Path path, IOException e) {
    return new WandbTransferException(
        "Could not write " + path + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
        e,
        false);
  }
}
