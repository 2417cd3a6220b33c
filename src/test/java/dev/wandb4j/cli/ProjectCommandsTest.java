package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ls} and {@code download} of a whole project: its runs, and every run's files. */
class ProjectCommandsTest {
  @TempDir Path root;
  private WandbEmulator emu;
  private Cli cli;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    for (int r = 0; r < 4; r++) {
      emu.run("acme/export/run" + r)
          .createdAt(Instant.parse("2025-03-01T00:00:00Z").plusSeconds(3600L * r))
          .state(r == 3 ? "crashed" : "finished")
          .tags(r == 0 ? "best" : "plain")
          .displayName("trial " + r);
      for (int f = 0; f < 3; f++) {
        emu.run("acme/export/run" + r).addGeneratedFile("out/" + f + ".bin", 5_000 + f);
      }
    }
    cli = new Cli(emu);
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  @Test
  void lsOfAProjectListsItsRunsNewestFirstWithTheirFileCountsWhenAsked() {
    Cli.Result r = cli.run("ls", "acme/export", "--files");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsSubsequence("crashed", "run3", "trial 3", "run2", "run1", "run0", "4 runs")
        .contains("      3  ");
  }

  @Test
  void lsFiltersRunsOnTheServerAndCanPrintJson() {
    Cli.Result r = cli.run("ls", "acme/export", "--state", "finished", "--tag", "best", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines()).hasSize(1);
    assertThat(r.out()).contains("\"run\":\"run0\"").contains("\"state\":\"finished\"");
    assertThat(emu.requests())
        .anySatisfy(q -> assertThat(String.valueOf(q.variables().get("filters"))).contains("best"));
  }

  @Test
  void downloadOfAProjectPutsEachRunUnderItsIdAndARerunFetchesNothing() throws Exception {
    Path out = root.resolve("export");
    Cli.Result first =
        cli.run("download", "acme/export", "--root", out.toString(), "--state", "finished");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("Downloaded 9 files").contains("of 3 runs");
    assertThat(Files.size(out.resolve("run1/out/2.bin"))).isEqualTo(5_002);
    assertThat(out.resolve("run3")).doesNotExist();

    emu.clearRequests();
    Cli.Result again =
        cli.run("download", "acme/export", "--root", out.toString(), "--state", "finished");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("Downloaded 0 files").contains("9 already up to date");
    assertThat(cli.storageRequests()).isEmpty();
  }

  @Test
  void runFiltersWithARunAndNamesWithAProjectAreUsageErrors() {
    Cli.Result filters =
        cli.run("download", "acme/export/run1", "--root", root.toString(), "--state", "finished");
    assertThat(filters.code()).isEqualTo(Main.USAGE);
    assertThat(filters.err()).contains("entity/project");

    Cli.Result names = cli.run("download", "acme/export", "--root", root.toString(), "--name", "a");
    assertThat(names.code()).isEqualTo(Main.USAGE);
    assertThat(names.err()).contains("--pattern");
    assertThat(cli.storageRequests()).isEmpty();
  }
}
