package dev.wandb4j.cli;

import dev.wandb4j.BulkProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows bulk progress: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise, nothing when quiet.
 */
final class ProgressPrinter {
  private static final long PLAIN_INTERVAL_NANOS = 2_000_000_000L;
  private static final int WIDTH = 28;

  private final PrintWriter out;
  private final boolean terminal;
  private final boolean quiet;
  private long lastPlain = System.nanoTime();
  private boolean drawn;

  ProgressPrinter(PrintWriter out, boolean terminal, boolean quiet) {
    this.out = out;
    this.terminal = terminal;
    this.quiet = quiet;
  }

  synchronized void update(BulkProgress p) {
    if (quiet) {
      return;
    }
    if (terminal) {
      double fraction = p.bytesTotal() == 0 ? 0 : (double) p.bytesDone() / p.bytesTotal();
      int filled = (int) Math.min(WIDTH, Math.round(fraction * WIDTH));
      String bar =
          "=".repeat(filled)
              + (filled < WIDTH ? ">" : "")
              + " ".repeat(Math.max(0, WIDTH - filled - 1));
      out.print(
          String.format(
              Locale.ROOT,
              "\r[%s] %d/%d files  %s/%s  %s  ETA %s   ",
              bar,
              p.filesDone(),
              p.filesTotal(),
              Format.bytes(p.bytesDone()),
              Format.bytes(p.bytesTotal()),
              Format.rate(p.bytesPerSecond()),
              Format.duration(p.eta())));
      out.flush();
      drawn = true;
    } else {
      long now = System.nanoTime();
      if (now - lastPlain >= PLAIN_INTERVAL_NANOS) {
        lastPlain = now;
        out.println(line(p));
        out.flush();
      }
    }
  }

  static String line(BulkProgress p) {
    return String.format(
        Locale.ROOT,
        "%d/%d files, %s of %s, %s",
        p.filesDone(),
        p.filesTotal(),
        Format.bytes(p.bytesDone()),
        Format.bytes(p.bytesTotal()),
        Format.rate(p.bytesPerSecond()));
  }

  synchronized void finish() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
    }
  }
}
