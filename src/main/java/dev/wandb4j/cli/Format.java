package dev.wandb4j.cli;

import java.time.Duration;
import java.util.Locale;

/** Human-readable numbers for the command line: sizes and rates in the same binary units. */
final class Format {
  private Format() {}

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    return scaled(n);
  }

  /** A rate in the units of {@link #bytes}, from KiB/s up. */
  static String rate(double bytesPerSecond) {
    return scaled(bytesPerSecond) + "/s";
  }

  private static String scaled(double n) {
    double v = n / 1024;
    int u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[u]);
  }

  /** A count and a noun, singular for one: {@code 1 file}, {@code 2 files}. */
  static String count(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }

  static String duration(Duration d) {
    if (d == null) {
      return "?";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
    return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
