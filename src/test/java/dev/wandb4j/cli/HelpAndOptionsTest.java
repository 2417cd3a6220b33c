package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.WandbEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Help screens that print cleanly, and commands that accept only the options they act on. */
class HelpAndOptionsTest {
  private WandbEmulator emu;
  private Cli cli;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emu.run("acme/proj/r1").addFile("config.json", "{}".getBytes(StandardCharsets.UTF_8));
    cli = new Cli(emu);
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  /** Runs with the process's standard error captured too: picocli warns there. */
  private Cli.Result withStandardError(StringBuilder stderr, String... args) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return cli.raw("", false, args);
    } finally {
      System.setErr(before);
      stderr.append(captured.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyHelpScreenPrintsWithoutWarningsAndShowsPercentSignsAsTyped() {
    List<List<String>> screens =
        List.of(
            List.of("--help"),
            List.of("ls", "--help"),
            List.of("download", "--help"),
            List.of("upload", "--help"),
            List.of("rm", "--help"),
            List.of("emulator", "--help"),
            List.of("demo", "--help"),
            List.of("help", "download"));
    StringBuilder all = new StringBuilder();
    for (List<String> args : screens) {
      StringBuilder stderr = new StringBuilder();
      Cli.Result r = withStandardError(stderr, args.toArray(String[]::new));
      assertThat(r.code()).as("%s", args).isZero();
      assertThat(stderr.toString()).as("%s", args).isEmpty();
      assertThat(r.err()).as("%s", args).isEmpty();
      assertThat(r.out()).as("%s", args).doesNotContain("%n").doesNotContainPattern("=<[^>]+>");
      all.append(r.out());
    }
    assertThat(all)
        .contains("--pattern '%.json'")
        .contains("--pattern 'media/tmp/%'")
        .contains("% any run of");
  }

  @Test
  void theEmulatorAndTheDemoOfferOnlyOptionsThatAct() {
    String emulatorHelp = cli.raw("", false, "emulator", "--help").out();
    assertThat(emulatorHelp).doesNotContain("--base-url").contains("--api-key").contains("--dir");
    assertThat(emulatorHelp).contains("rm").contains("deletes");
    String demoHelp = cli.raw("", false, "demo", "--help").out();
    assertThat(demoHelp).doesNotContain("--base-url").doesNotContain("--api-key");

    Cli.Result demo = cli.raw("", false, "demo", "--api-key", "k");
    assertThat(demo.code()).isEqualTo(Main.USAGE);
    assertThat(demo.err()).contains("--api-key");
    Cli.Result before = cli.raw("", false, "--base-url", "http://localhost:1", "demo");
    assertThat(before.code()).isEqualTo(Main.USAGE);
    assertThat(before.err()).contains("--base-url").contains("demo");
    assertThat(cli.raw("", false, "emulator", "--base-url", "http://x", "--dir", ".").code())
        .isEqualTo(Main.USAGE);
  }

  @Test
  void connectionOptionsWorkBeforeAndAfterTheCommand() {
    Cli.Result after =
        cli.raw(
            "",
            false,
            "ls",
            "acme/proj/r1",
            "--base-url",
            emu.baseUrl(),
            "--api-key",
            emu.apiKey());
    Cli.Result before =
        cli.raw(
            "",
            false,
            "--base-url",
            emu.baseUrl(),
            "--api-key",
            emu.apiKey(),
            "-q",
            "ls",
            "acme/proj/r1");

    assertThat(after.code()).as(after.err()).isZero();
    assertThat(after.out()).contains("config.json");
    assertThat(before.code()).as(before.err()).isZero();
    assertThat(before.out()).contains("1 file,");
    assertThat(emu.requests()).hasSize(2);
  }

  @Test
  void plainHttpOffLoopbackIsRefusedUnlessAllowedBeforeOrAfterTheCommand() {
    Cli.Result refused =
        cli.raw(
            "",
            false,
            "ls",
            "acme/proj/r1",
            "--base-url",
            "http://10.255.255.1:9",
            "--api-key",
            "k3y");
    assertThat(refused.code()).isEqualTo(Main.USAGE);
    assertThat(refused.err()).contains("clear text").contains("--allow-http").doesNotContain("k3y");
    assertThat(emu.requests()).isEmpty();

    Cli.Result after =
        cli.raw(
            "",
            false,
            "ls",
            "acme/proj/r1",
            "--allow-http",
            "--base-url",
            emu.baseUrl(),
            "--api-key",
            emu.apiKey());
    Cli.Result before =
        cli.raw(
            "",
            false,
            "--allow-http",
            "--base-url",
            emu.baseUrl(),
            "--api-key",
            emu.apiKey(),
            "ls",
            "acme/proj/r1");
    assertThat(after.code()).as(after.err()).isZero();
    assertThat(before.code()).as(before.err()).isZero();

    Cli.Result demo = cli.raw("", false, "--allow-http", "demo");
    assertThat(demo.code()).isEqualTo(Main.USAGE);
    assertThat(demo.err()).contains("--allow-http").contains("demo");
    assertThat(cli.raw("", false, "demo", "--help").out()).doesNotContain("--allow-http");
    assertThat(cli.raw("", false, "ls", "--help").out()).contains("--allow-http");
  }
}
