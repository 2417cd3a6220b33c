package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process against the emulator: output, files and exit codes. */
class CommandLineTest {
  @TempDir Path dir;
  private WandbEmulator emu;
  private EmulatedRun run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/r1");
    for (int i = 0; i < 30; i++) {
      run.addFile(
          "media/img_" + i + ".png", ("png " + i).repeat(100).getBytes(StandardCharsets.UTF_8));
    }
    run.addFile("config.json", "{\"lr\":0.1}".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private Cli.Result cli(String stdin, boolean terminal, String... args) {
    return new Cli(emu).run(stdin, terminal, args);
  }

  private Cli.Result cli(String... args) {
    return cli("", false, args);
  }

  @Test
  void lsPrintsATableAndATotal() {
    Cli.Result r = cli("ls", "acme/proj/r1");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("NAME").contains("media/img_7.png").contains("config.json");
    assertThat(r.out()).contains("31 files,");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void lsFiltersAndPrintsNdjson() throws Exception {
    Cli.Result r = cli("ls", "acme/proj/r1", "--pattern", "%.json", "--json");
    assertThat(r.code()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode n = new ObjectMapper().readTree(lines[0]);
    assertThat(n.get("name").asText()).isEqualTo("config.json");
    assertThat(n.get("size").asLong()).isEqualTo(10);
    assertThat(n.has("md5")).isTrue();
  }

  @Test
  void downloadFetchesEverythingAndASyncRerunDownloadsNothing() throws Exception {
    Path root = dir.resolve("out");
    Cli.Result first = cli("download", "acme/proj/r1", "--root", root.toString(), "--sync");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("Downloaded 31 files").contains("0 failed");
    assertThat(Files.readString(root.resolve("media/img_3.png"))).isEqualTo("png 3".repeat(100));

    emu.clearRequests();
    Cli.Result again = cli("download", "acme/proj/r1", "--root", root.toString(), "--sync");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("Downloaded 0 files").contains("31 already up to date");
    assertThat(emu.requests().stream().filter(q -> q.server().equals("storage"))).isEmpty();
  }

  @Test
  void aCommandLeavesNoEventLoopRunningWhenItReturns() {
    // A thread still waiting in epoll_wait would hold the JVM's exit up for about 0.3 s.
    Cli.Result r = cli("download", "acme/proj/r1", "--root", dir.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Downloaded 31 files");

    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("wandb4j-cli"));
  }

  @Test
  void nettysJfrEventsAreOffUnlessTheUserAsksForThem() {
    String before = System.getProperty(Main.NETTY_JFR);
    try {
      System.clearProperty(Main.NETTY_JFR);
      Main.defaultSystemProperties();
      assertThat(System.getProperty(Main.NETTY_JFR)).isEqualTo("false");

      System.setProperty(Main.NETTY_JFR, "true");
      Main.defaultSystemProperties();
      assertThat(System.getProperty(Main.NETTY_JFR)).isEqualTo("true");
    } finally {
      if (before == null) {
        System.clearProperty(Main.NETTY_JFR);
      } else {
        System.setProperty(Main.NETTY_JFR, before);
      }
    }
  }

  @Test
  void aFailedFileMakesTheExitCodeNonZeroAndIsListed() throws Exception {
    run.file("media/img_5.png").faults().corruptByte(10);
    Path root = dir.resolve("out");
    Cli.Result r = cli("download", "acme/proj/r1", "--root", root.toString());
    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.err()).contains("FAILED media/img_5.png").contains("MD5 mismatch");
    assertThat(r.out()).contains("Downloaded 30 files").contains("1 failed");
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(p -> p.toString().contains(".wandb4j-part"))).isEmpty();
    }
  }

  @Test
  void rmRefusesToActWithoutYesWhenNotInteractive() {
    Cli.Result r = cli("rm", "acme/proj/r1", "--pattern", "media/%");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.out()).contains("30 files").contains("will be deleted");
    assertThat(r.err()).contains("--yes");
    assertThat(run.fileCount()).isEqualTo(31);
  }

  @Test
  void rmAsksOnATerminalAndDeletesInBatches() {
    Cli.Result no = cli("n\n", true, "rm", "acme/proj/r1", "--pattern", "media/%");
    assertThat(no.out()).contains("Nothing deleted");
    assertThat(run.fileCount()).isEqualTo(31);
    Cli.Result yes = cli("y\n", true, "rm", "acme/proj/r1", "--pattern", "media/%");
    assertThat(yes.code()).isZero();
    assertThat(yes.out()).contains("Deleted 30 files");
    assertThat(run.fileCount()).isEqualTo(1);
  }

  @Test
  void rmWithYesDeletesByName() {
    Cli.Result r = cli("rm", "acme/proj/r1", "--name", "config.json", "--yes");
    assertThat(r.code()).isZero();
    assertThat(run.file("config.json")).isNull();
  }

  @Test
  void rmWithoutASelectionIsAUsageError() {
    assertThat(cli("rm", "acme/proj/r1", "--yes").code()).isEqualTo(Main.USAGE);
  }

  @Test
  void errorsAreOneLineWithDocumentedExitCodes() {
    Cli.Result wrongKey =
        new Cli(emu)
            .raw(
                "",
                false,
                "ls",
                "acme/proj/r1",
                "--base-url",
                emu.baseUrl(),
                "--api-key",
                "wrong-key");
    assertThat(wrongKey.code()).isEqualTo(Main.AUTH);
    assertThat(wrongKey.err())
        .startsWith("error: ")
        .doesNotContain("\tat ")
        .doesNotContain("wrong-key");

    Cli.Result missing = cli("ls", "acme/proj/nope");
    assertThat(missing.code()).isEqualTo(Main.NOT_FOUND);
    assertThat(missing.err()).contains("acme/proj/nope").doesNotContain("\tat ");

    Cli.Result badPath = cli("ls", "a/b/c/d");
    assertThat(badPath.code()).isEqualTo(Main.USAGE);

    Cli.Result verbose = cli("ls", "acme/proj/nope", "--verbose");
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void helpShowsExamplesAndVersionNamesTheTool() {
    Cli.Result help = cli("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Examples:").contains("wandb4j demo").contains("Exit codes");
    assertThat(cli("download", "--help").out()).contains("--sync").contains("--concurrency");
    assertThat(cli("--version").out()).startsWith("wandb4j ");
    assertThat(cli("frobnicate").code()).isEqualTo(Main.USAGE);
  }

  @Test
  void theDemoRunsEndToEnd() throws Exception {
    Path root = dir.resolve("demo");
    Cli.Result r = demo(root);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("wandb4j ls demo/showcase/7k2m9x")
        .contains("Downloaded 52 files")
        .contains("verified")
        .contains("WANDB_API_KEY");
    assertThat(Files.size(root.resolve("checkpoints/model_epoch_9.ckpt"))).isEqualTo(2L << 20);
    Cli.Result again = demo(root);
    assertThat(again.out()).contains("Downloaded 0 files").contains("52 already up to date");
  }

  private Cli.Result demo(Path root) {
    return cli(
        "", false, "demo", "--root", root.toString(), "--images", "24", "--checkpoint-mib", "2");
  }
}
