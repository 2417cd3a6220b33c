package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.BulkProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private static final BulkProgress HALF =
      new BulkProgress(5, 10, 0, 50L << 20, 100L << 20, true, Duration.ofSeconds(1));

  private static ProgressPrinter terminal(StringWriter out, int columns) {
    return new ProgressPrinter(new PrintWriter(out), true, false, () -> columns);
  }

  /** What each redraw left on the line: the text between carriage returns. */
  private static List<String> frames(String output) {
    String drawn = output.endsWith(System.lineSeparator()) ? output.strip() : output;
    List<String> frames = new ArrayList<>(Arrays.asList(drawn.split("\r")));
    frames.removeIf(String::isEmpty);
    return frames;
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlaceWithFilesBytesRateAndEta() {
    StringWriter out = new StringWriter();
    ProgressPrinter p = terminal(out, 120);
    p.update(HALF);
    p.finish();
    assertThat(out.toString())
        .startsWith("\r[")
        .contains("=>")
        .contains("5/10 files")
        .contains("50.0 MiB/100 MiB")
        .contains("50.0 MiB/s")
        .contains("ETA 1.0 s")
        .endsWith(System.lineSeparator());
  }

  @Test
  void everyFrameFitsTheTerminalSoNothingWraps() {
    BulkProgress big =
        new BulkProgress(
            123_456, 1_234_567, 3, 900L << 30, 1023L << 30, true, Duration.ofSeconds(3_599));
    for (int columns : new int[] {200, 80, 60, 40, 20}) {
      StringWriter out = new StringWriter();
      ProgressPrinter p = terminal(out, columns);
      p.update(HALF);
      p.update(big);
      p.update(HALF);
      assertThat(out.toString()).doesNotContain("\n");
      assertThat(frames(out.toString()))
          .as("%d columns", columns)
          .hasSize(3)
          .allSatisfy(frame -> assertThat(frame.length()).isLessThan(columns));
    }
    StringWriter out = new StringWriter();
    terminal(out, 80).update(big);
    assertThat(frames(out.toString()).get(0))
        .as("80 columns still show a bar and the counts")
        .contains("[")
        .contains("123456/1234567 files");
  }

  @Test
  void whileTheListingArrivesTheTotalsAreMarkedAsPartialAndTheBarNeverGoesBack() {
    StringWriter out = new StringWriter();
    ProgressPrinter p = terminal(out, 100);
    long[][] steps = {{1, 2, 10, 20}, {2, 3, 30, 30}, {3, 40, 40, 400}, {4, 50, 50, 500}};
    for (long[] s : steps) {
      p.update(new BulkProgress(s[0], s[1], 0, s[2], s[3], false, Duration.ofSeconds(1)));
    }
    p.update(new BulkProgress(5, 50, 0, 60, 500, true, Duration.ofSeconds(2)));
    List<String> frames = frames(out.toString());
    assertThat(frames).hasSize(5);
    assertThat(frames.subList(0, 4))
        .as("no fraction of a total that is not known yet")
        .allSatisfy(f -> assertThat(f).contains("+ files").contains("[listing"));
    assertThat(frames.get(0)).contains("1/2+ files");
    assertThat(frames.get(4)).contains("5/50 files").doesNotContain("+");
    int before = 0;
    for (String frame : frames) {
      int filled = (int) frame.chars().takeWhile(c -> c != ']').filter(c -> c == '=').count();
      assertThat(filled).as(frame).isGreaterThanOrEqualTo(before);
      before = filled;
    }
    assertThat(before).isPositive();
  }

  @Test
  void quietPrintsNothingAndPlainLinesAreReadable() {
    StringWriter out = new StringWriter();
    ProgressPrinter p = new ProgressPrinter(new PrintWriter(out), true, true, () -> 80);
    p.update(HALF);
    p.finish();
    assertThat(out.toString()).isEmpty();
    assertThat(ProgressPrinter.line(HALF)).isEqualTo("5/10 files, 50.0 MiB of 100 MiB, 50.0 MiB/s");
  }

  @Test
  void sizesRatesAndDurationsAreHumanReadableInTheSameUnits() {
    assertThat(Format.bytes(512)).isEqualTo("512 B");
    assertThat(Format.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Format.bytes(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(Format.rate(1.5 * (1 << 20))).isEqualTo("1.5 MiB/s");
    assertThat(Format.rate(512)).isEqualTo("0.5 KiB/s");
    assertThat(Format.count(1, "file")).isEqualTo("1 file");
    assertThat(Format.count(0, "file")).isEqualTo("0 files");
    assertThat(Format.count(2, "file")).isEqualTo("2 files");
    assertThat(Format.duration(Duration.ofSeconds(125))).isEqualTo("2m05s");
    assertThat(Format.duration(null)).isEqualTo("?");
  }
}
