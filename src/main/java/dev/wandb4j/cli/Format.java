package dev.wandb4j.cli;

import java.time.Duration;
import java.util.Locale;

/** Human-readable numbers for the command line. */
final class Format {
  private Format() {}

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  static String rate(double bytesPerSecond) {
    return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
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
