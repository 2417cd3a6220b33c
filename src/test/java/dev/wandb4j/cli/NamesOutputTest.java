package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the command line prints names: control characters from the server escaped wherever a name is
 * printed, names the run does not have reported by name, and a table that long names do not break.
 */
class NamesOutputTest {
  static final String HIDING = "report.txt\u001b[2K\r\u001b[1Ainnocent.txt";
  static final String BELL = "bell\u0007\u009b31m.txt";

  @TempDir Path dir;
  private WandbEmulator emu;
  private EmulatedRun run;
  private Cli cli;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/r1");
    run.addFile("config.json", "{}".getBytes(StandardCharsets.UTF_8));
    run.addFile(HIDING, "x".getBytes(StandardCharsets.UTF_8));
    run.addFile(BELL, "y".getBytes(StandardCharsets.UTF_8));
    cli = new Cli(emu);
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  /** No control character but line ends: nothing a terminal would act on. */
  private static void assertPrintable(String text) {
    assertThat(text.codePoints().filter(c -> c != '\n' && Character.isISOControl(c)).toArray())
        .as(text)
        .isEmpty();
  }

  @Test
  void lsEscapesControlCharactersInNames() {
    Cli.Result r = cli.run("ls", "acme/proj/r1");

    assertThat(r.code()).isZero();
    assertPrintable(r.out());
    assertThat(r.out())
        .contains("report.txt\\e[2K\\r\\e[1Ainnocent.txt")
        .contains("bell\\a\\u009b31m.txt");
  }

  @Test
  void lsJsonEscapesControlCharactersAndKeepsTheNameExact() throws Exception {
    Cli.Result r = cli.run("ls", "acme/proj/r1", "--json");

    assertThat(r.code()).isZero();
    assertPrintable(r.out());
    List<String> names =
        r.out()
            .lines()
            .map(
                line -> {
                  try {
                    return new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(line)
                        .get("name")
                        .asText();
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .toList();
    assertThat(names).containsExactly("config.json", HIDING, BELL);
  }

  @Test
  void theRmConfirmationListShowsEveryNameEscaped() {
    Cli.Result r = cli.run("n\n", true, "rm", "acme/proj/r1", "--pattern", "%.txt");

    assertPrintable(r.out());
    assertThat(r.out())
        .contains("  report.txt\\e[2K\\r\\e[1Ainnocent.txt")
        .contains("  bell\\a\\u009b31m.txt")
        .contains("2 files (2 B) of acme/proj/r1 will be deleted")
        .contains("Nothing deleted");
    assertThat(run.fileCount()).isEqualTo(3);
  }

  @Test
  void failedLinesEscapeTheNamesTheyPrint() {
    Cli.Result r = cli.run("download", "acme/proj/r1", "--root", dir.toString());

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertPrintable(r.err());
    assertThat(r.err())
        .contains("FAILED report.txt\\e[2K\\r\\e[1Ainnocent.txt: ")
        .contains("FAILED bell\\a\\u009b31m.txt: ");
  }

  @Test
  void lsReportsANameTheRunDoesNotHaveAfterTheOthersWithExit4() {
    emu.clearRequests();

    Cli.Result r =
        cli.run("ls", "acme/proj/r1", "--name", "typo\u001b.json", "--name", "config.json");

    assertThat(r.code()).isEqualTo(Main.NOT_FOUND);
    assertThat(r.out()).contains("config.json").contains("1 file,");
    assertThat(r.err()).isEqualTo("not found: typo\\e.json (no such file in acme/proj/r1)\n");
    assertThat(emu.requests())
        .singleElement()
        .satisfies(
            q ->
                assertThat(q.variables().get("fileNames"))
                    .isEqualTo(List.of("typo\u001b.json", "config.json")));
  }

  @Test
  void rmDeletesTheNamesThereAndReportsTheOthersWithExit4() {
    emu.clearRequests();

    Cli.Result r =
        cli.run("rm", "acme/proj/r1", "--name", "config.json", "--name", "typo.json", "--yes");

    assertThat(r.code()).isEqualTo(Main.NOT_FOUND);
    assertThat(r.out()).contains("Deleted 1 file.");
    assertThat(r.err()).contains("not found: typo.json (no such file in acme/proj/r1)");
    assertThat(run.file("config.json")).isNull();
    assertThat(emu.requests())
        .extracting(RecordedRequest::operationName)
        .containsExactly("RunFiles", "DeleteFiles");
    assertThat((List<?>) emu.requests().get(1).variables().get("files")).hasSize(1);
  }

  @Test
  void aPatternThatMatchesNothingSaysSoAndSucceeds() {
    Cli.Result ls = cli.run("ls", "acme/proj/r1", "--pattern", "nope/%");
    assertThat(ls.code()).isZero();
    assertThat(ls.out()).contains("No files matched");

    Cli.Result rm = cli.run("rm", "acme/proj/r1", "--pattern", "nope/%", "--yes");
    assertThat(rm.code()).isZero();
    assertThat(rm.out()).contains("No files matched");
    assertThat(run.fileCount()).isEqualTo(3);
  }

  @Test
  void longNamesDoNotBreakTheTable() {
    run.addFile("media/" + "very_long_directory_name/".repeat(5) + "x.png", new byte[2048]);

    Cli.Result r = cli.run("ls", "acme/proj/r1");

    List<String> lines = r.out().lines().toList();
    String header = lines.get(0);
    int nameColumn = header.indexOf("NAME");
    assertThat(header.indexOf("SIZE")).isLessThan(nameColumn);
    assertThat(lines.subList(1, lines.size() - 1))
        .hasSize(4)
        .allSatisfy(
            line -> {
              assertThat(line.charAt(nameColumn - 1)).isEqualTo(' ');
              assertThat(line.charAt(nameColumn)).isNotEqualTo(' ');
            });
    assertThat(r.out()).contains("2.0 KiB").contains("4 files, ");
  }

  @Test
  void aRunUrlOnAnotherHostThanTheConfiguredOneIsRefused() {
    String url = emu.baseUrl() + "/acme/proj/runs/r1";
    emu.clearRequests();

    Cli.Result refused =
        cli.env(Map.of())
            .raw(
                "",
                false,
                "ls",
                url,
                "--base-url",
                "https://api.wandb.ai",
                "--api-key",
                emu.apiKey());

    assertThat(refused.code()).isEqualTo(Main.USAGE);
    assertThat(refused.err()).contains("127.0.0.1").contains("https://api.wandb.ai");
    assertThat(emu.requests()).isEmpty();

    Cli.Result viaEnvironment =
        cli.env(Map.of("WANDB_BASE_URL", "https://wandb.example.com"))
            .raw("", false, "ls", url, "--api-key", emu.apiKey());
    assertThat(viaEnvironment.code()).isEqualTo(Main.USAGE);
    assertThat(viaEnvironment.err()).contains("WANDB_BASE_URL");
  }

  @Test
  void aRunUrlGivesTheBaseUrlWhenNoneIsConfigured() {
    String url = emu.baseUrl() + "/acme/proj/runs/r1";
    emu.clearRequests();

    Cli.Result r = cli.env(Map.of()).raw("", false, "ls", url, "--api-key", emu.apiKey());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("config.json").contains("3 files");
    assertThat(emu.requests())
        .singleElement()
        .satisfies(q -> assertThat(q.operationName()).isEqualTo("RunFiles"));
  }
}
