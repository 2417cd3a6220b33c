package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.BulkProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private static final BulkProgress HALF =
      new BulkProgress(5, 10, 0, 50L << 20, 100L << 20, true, Duration.ofSeconds(1));

  @Test
  void onATerminalTheBarIsRedrawnInPlaceWithFilesBytesRateAndEta() {
    StringWriter out = new StringWriter();
    ProgressPrinter p = new ProgressPrinter(new PrintWriter(out), true, false);
    p.update(HALF);
    p.finish();
    assertThat(out.toString())
        .startsWith("\r[==============>")
        .contains("5/10 files")
        .contains("50.0 MiB/100 MiB")
        .contains("52.4 MB/s")
        .contains("ETA 1.0 s")
        .endsWith(System.lineSeparator());
  }

  @Test
  void quietPrintsNothingAndPlainLinesAreReadable() {
    StringWriter out = new StringWriter();
    ProgressPrinter p = new ProgressPrinter(new PrintWriter(out), true, true);
    p.update(HALF);
    p.finish();
    assertThat(out.toString()).isEmpty();
    assertThat(ProgressPrinter.line(HALF)).isEqualTo("5/10 files, 50.0 MiB of 100 MiB, 52.4 MB/s");
  }

  @Test
  void sizesAndDurationsAreHumanReadable() {
    assertThat(Format.bytes(512)).isEqualTo("512 B");
    assertThat(Format.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Format.bytes(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(Format.duration(Duration.ofSeconds(125))).isEqualTo("2m05s");
    assertThat(Format.duration(null)).isEqualTo("?");
  }
}
