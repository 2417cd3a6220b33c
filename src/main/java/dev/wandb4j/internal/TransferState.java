package dev.wandb4j.internal;

import dev.wandb4j.error.WandbTransferException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;

/**
 * What one transfer (a download or a stream) carries from one attempt to the next: where to get the
 * file, the validator that pins its version, and how retries have gone. Used by one subscription at
 * a time.
 */
final class TransferState {
  /** How a response continues the transfer. */
  enum Start {
    /** At the offset asked for. */
    AT_OFFSET,
    /** From byte 0, of the same version: the server ignored {@code Range}. */
    FROM_ZERO,
    /** From byte 0 of another version: the file changed since the transfer began. */
    CHANGED
  }

  final String what;
  final Supplier<Mono<FileData>> refresh;
  final long expectedSize;
  private final LongSupplier progress;

  /** The last byte wanted (inclusive), or -1 for the end of the file. */
  long end = -1;

  URI url;
  String validator;
  boolean refreshed;
  int attempts;
  long progressAtLastFailure;
  int failuresWithoutProgress;

  TransferState(
      FileData file, String what, Supplier<Mono<FileData>> refresh, LongSupplier progress) {
    this.what = what;
    this.refresh = refresh;
    this.expectedSize = file.size();
    this.progress = progress;
    this.url = Downloader.parseUrl(file.url(), what);
  }

  /** Bytes safely delivered so far: on disk, or handed to the subscriber. */
  long progress() {
    return progress.getAsLong();
  }

  /** The validator to send as {@code If-Range} with a request from {@code offset}. */
  String ifRange(long offset) {
    return offset > 0 ? validator : null;
  }

  /**
   * Checks a 2xx response to a request that started at {@code offset} and says how it continues the
   * transfer. Headers that contradict the request or the listing are refused with a non-retryable
   * error: asking again would get the same answer.
   */
  Start check(HttpClientResponse res, long offset) {
    HttpHeaders h = res.responseHeaders();
    long wantedEnd =
        end >= 0 ? (expectedSize >= 0 ? Math.min(end, expectedSize - 1) : end) : expectedSize - 1;
    String tag = validatorOf(h);
    Start start;
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
            false);
      }
      if (range[2] >= 0 && expectedSize >= 0 && range[2] != expectedSize) {
        throw new WandbTransferException(
            "The server says "
                + what
                + " has "
                + range[2]
                + " bytes, but W&B lists "
                + expectedSize,
            null,
            false);
      }
      announcedShouldBe = wantedEnd >= 0 ? wantedEnd - offset + 1 : -1;
      start =
          validator != null && tag != null && !tag.equals(validator)
              ? Start.CHANGED
              : Start.AT_OFFSET;
    } else if (offset == 0) {
      start = Start.AT_OFFSET;
    } else if (validator != null && !validator.equals(tag)) {
      // Asked with If-Range: a full answer under another validator is another version.
      start = Start.CHANGED;
    } else {
      start = Start.FROM_ZERO;
    }
    checkLength(h, announcedShouldBe, start == Start.AT_OFFSET ? offset : 0);
    if (tag != null) {
      validator = tag;
    }
    return start;
  }

  private void checkLength(HttpHeaders h, long shouldBe, long from) {
    String length = h.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null || shouldBe < 0) {
      return;
    }
    long announced;
    try {
      announced = Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      announced = -1;
    }
    if (announced != shouldBe) {
      throw new WandbTransferException(
          "The server announced "
              + length
              + " bytes for "
              + what
              + (from > 0 ? " from byte " + from : "")
              + ", but W&B lists "
              + expectedSize
              + " bytes in all",
          null,
          false);
    }
  }

  /** A strong ETag, else Last-Modified: what pins the version of a file; or null. */
  private static String validatorOf(HttpHeaders h) {
    String etag = h.get(HttpHeaderNames.ETAG);
    if (etag != null && !etag.startsWith("W/")) {
      return etag;
    }
    return h.get(HttpHeaderNames.LAST_MODIFIED);
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
}
