package dev.wandb4j.cli;

import dev.wandb4j.BulkProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Shows bulk progress: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise, nothing when quiet.
 *
 * <p>Each redraw fits the terminal, one column short of its width so that it never wraps: the
 * counts come first, and the bar takes what room is left, or none. While the listing is still
 * arriving the totals are what is known so far, marked with {@code +}, and the bar shows no
 * fraction of them; once the listing is complete the bar only grows.
 */
final class ProgressPrinter {
  private static final long PLAIN_INTERVAL_NANOS = 2_000_000_000L;
  private static final int MIN_BAR = 10;
  private static final int MAX_BAR = 40;
  private static final String LISTING = "listing...";

  private final PrintWriter out;
  private final boolean terminal;
  private final boolean quiet;
  private final IntSupplier columns;
  private int width = -1;
  private long lastPlain = System.nanoTime();
  private int drawnLength;
  private double shown;

  ProgressPrinter(PrintWriter out, boolean terminal, boolean quiet, IntSupplier columns) {
    this.out = out;
    this.terminal = terminal;
    this.quiet = quiet;
    this.columns = columns;
  }

  synchronized void update(BulkProgress p) {
    if (quiet) {
      return;
    }
    if (terminal) {
      draw(p);
    } else {
      long now = System.nanoTime();
      if (now - lastPlain >= PLAIN_INTERVAL_NANOS) {
        lastPlain = now;
        out.println(line(p));
        out.flush();
      }
    }
  }

  private void draw(BulkProgress p) {
    if (width < 0) {
      width = Math.max(1, columns.getAsInt() - 1);
    }
    String more = p.listingComplete() ? "" : "+";
    String counts =
        String.format(
            Locale.ROOT,
            "%d/%d%s files  %s/%s%s  %s  ETA %s",
            p.filesDone(),
            p.filesTotal(),
            more,
            Format.bytes(p.bytesDone()),
            Format.bytes(p.bytesTotal()),
            more,
            Format.rate(p.bytesPerSecond()),
            Format.duration(p.eta()));
    int room = width - counts.length() - 3;
    String text;
    if (room >= MIN_BAR) {
      text = bar(p, Math.min(MAX_BAR, room)) + " " + counts;
    } else {
      text = counts.length() > width ? counts.substring(0, width) : counts;
    }
    StringBuilder frame = new StringBuilder(Math.max(text.length(), drawnLength) + 1);
    frame.append('\r').append(text);
    // Blank out what a longer frame before left behind.
    frame.append(" ".repeat(Math.max(0, Math.min(drawnLength, width) - text.length())));
    drawnLength = text.length();
    out.print(frame);
    out.flush();
  }

  /** {@code [====> ]}, {@code inner} characters between the brackets. */
  private String bar(BulkProgress p, int inner) {
    if (!p.listingComplete()) {
      String label = LISTING.length() <= inner ? LISTING : "";
      return "[" + label + " ".repeat(inner - label.length()) + "]";
    }
    double fraction = p.bytesTotal() == 0 ? 1 : (double) p.bytesDone() / p.bytesTotal();
    // A failed file gives back the bytes it had counted: the bar does not follow it back.
    shown = Math.max(shown, Math.min(1, fraction));
    int filled = (int) Math.min(inner, Math.round(shown * inner));
    return "["
        + "=".repeat(filled)
        + (filled < inner ? ">" : "")
        + " ".repeat(Math.max(0, inner - filled - 1))
        + "]";
  }

  static String line(BulkProgress p) {
    String more = p.listingComplete() ? "" : "+";
    return String.format(
        Locale.ROOT,
        "%d/%d%s files, %s of %s%s, %s",
        p.filesDone(),
        p.filesTotal(),
        more,
        Format.bytes(p.bytesDone()),
        Format.bytes(p.bytesTotal()),
        more,
        Format.rate(p.bytesPerSecond()));
  }

  synchronized void finish() {
    if (drawnLength > 0) {
      out.println();
      out.flush();
      drawnLength = 0;
    }
  }
}
