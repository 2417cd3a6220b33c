package dev.wandb4j.internal;

import java.util.Locale;

/** Parses one HTTP {@code Range} request header against a resource's size. */
public final class ByteRanges {
  private ByteRanges() {}

  /**
   * The first and last byte of a single range: {@code bytes=a-b}, {@code bytes=a-} or {@code
   * bytes=-n} (the last n bytes).
   *
   * @param header the {@code Range} header
   * @param size the resource's size
   * @return {start, end} (inclusive), or {@code null} if the range is malformed, has several parts,
   *     or cannot be satisfied
   */
  public static long[] parse(String header, long size) {
    String h = header.strip().toLowerCase(Locale.ROOT);
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).strip();
      String b = spec.substring(dash + 1).strip();
      long start;
      long end;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return null;
        }
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(a);
        end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      }
      return start < 0 || start >= size || end < start ? null : new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
