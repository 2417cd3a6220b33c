package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wandb4j download} behaves like the sync tools people know: a re-run fetches only what is
 * missing or different, the root is checked before anything is sent, failures are summarized with
 * advice that fits them, and names the run does not have are reported.
 */
class DownloadCommandTest {
  @TempDir Path dir;
  private WandbEmulator emu;
  private EmulatedRun run;
  private Cli cli;
  private Path root;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/r1");
    for (int i = 0; i < 30; i++) {
      run.addFile(
          "media/img_" + i + ".png", ("png " + i).repeat(100).getBytes(StandardCharsets.UTF_8));
    }
    run.addFile("config.json", "{\"lr\":0.1}".getBytes(StandardCharsets.UTF_8));
    cli = new Cli(emu);
    root = dir.resolve("out");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private static String objectPath(EmulatedFile f) {
    String id = new String(Base64.getDecoder().decode(f.id()), StandardCharsets.UTF_8);
    return "/objects/" + id.substring("File:".length());
  }

  @Test
  void aRerunWithoutFlagsSkipsCompleteFilesAndFetchesTheRest() throws Exception {
    Cli.Result first = cli.run("download", "acme/proj/r1", "--root", root.toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("Downloaded 31 files");

    Files.delete(root.resolve("media/img_3.png"));
    Files.writeString(root.resolve("media/img_4.png"), "PNG 4".repeat(100)); // same size
    emu.clearRequests();
    Cli.Result again = cli.run("download", "acme/proj/r1", "--root", root.toString());

    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("Downloaded 2 files")
        .contains("29 already up to date")
        .contains("0 failed");
    assertThat(again.err()).isEmpty();
    assertThat(cli.storageRequests())
        .extracting(RecordedRequest::path)
        .containsExactlyInAnyOrder(
            objectPath(run.file("media/img_3.png")), objectPath(run.file("media/img_4.png")));
    assertThat(Files.readString(root.resolve("media/img_3.png"))).isEqualTo("png 3".repeat(100));
    assertThat(Files.readString(root.resolve("media/img_4.png"))).isEqualTo("png 4".repeat(100));
  }

  @Test
  void replaceDownloadsEveryFileAgain() {
    assertThat(cli.run("download", "acme/proj/r1", "--root", root.toString()).code()).isZero();
    emu.clearRequests();

    Cli.Result again = cli.run("download", "acme/proj/r1", "--root", root.toString(), "--replace");

    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("Downloaded 31 files").doesNotContain("up to date");
    assertThat(cli.storageRequests()).hasSize(31);
  }

  @Test
  void existOkKeepsWhatIsThereUncheckedAndSaysSo() throws Exception {
    assertThat(cli.run("download", "acme/proj/r1", "--root", root.toString()).code()).isZero();
    Files.writeString(root.resolve("config.json"), "edited locally");
    Files.delete(root.resolve("media/img_0.png"));
    emu.clearRequests();

    Cli.Result r = cli.run("download", "acme/proj/r1", "--root", root.toString(), "--exist-ok");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Downloaded 1 file (")
        .contains("30 already there, kept unchecked")
        .doesNotContain("up to date");
    assertThat(Files.readString(root.resolve("config.json"))).isEqualTo("edited locally");
    assertThat(cli.storageRequests())
        .extracting(RecordedRequest::path)
        .containsExactly(objectPath(run.file("media/img_0.png")));
    assertThat(cli.run("download", "--help").out())
        .contains("--exist-ok")
        .contains("without checking");
  }

  @Test
  void aFailureARetryCanFixGetsTheRetryHintAndOneThatCannotGetsItsOwnAdvice() throws Exception {
    run.file("media/img_5.png").faults().corruptByte(10);
    Files.createDirectories(root.resolve("config.json/in-the-way"));

    Cli.Result r = cli.run("download", "acme/proj/r1", "--root", root.toString());

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.out()).contains("Downloaded 29 files").contains("2 failed");
    assertThat(r.err())
        .contains("FAILED media/img_5.png: MD5 mismatch")
        .contains("FAILED config.json: ")
        .contains("a directory is in the way")
        .contains("Run the same command again to retry the 1 file that may succeed")
        .doesNotContain("existOk")
        .doesNotContain("Exception");
  }

  @Test
  void failuresNoRetryCanFixGetNoRetryHint() throws Exception {
    Files.createDirectories(root.resolve("config.json/in-the-way"));

    Cli.Result r = cli.run("download", "acme/proj/r1", "--root", root.toString());

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.err()).contains("FAILED config.json").doesNotContain("again");
  }

  @Test
  void aRootThatIsARegularFileIsOneErrorBeforeAnyRequest() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    emu.clearRequests();

    Cli.Result r = cli.run("download", "acme/proj/r1", "--root", file.toString());

    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.err().lines().toList())
        .singleElement()
        .satisfies(line -> assertThat(line).startsWith("error: ").contains("not a folder"));
    assertThat(r.out()).isEmpty();
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void aReadOnlyRootIsOneErrorBeforeAnyRequest() throws Exception {
    Path readOnly = dir.resolve("read-only");
    Files.createDirectories(readOnly);
    boolean mounted = false;
    if (isRoot()) {
      // Permissions do not stop root: mount a read-only file system instead.
      mounted = exec("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly.toString());
      assumeTrue(mounted, "mounting a read-only tmpfs");
    } else {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    try {
      emu.clearRequests();
      Cli.Result r = cli.run("download", "acme/proj/r1", "--root", readOnly.toString());

      assertThat(r.code()).isEqualTo(Main.ERROR);
      assertThat(r.err().lines().toList())
          .singleElement()
          .satisfies(line -> assertThat(line).startsWith("error: ").contains("cannot write"));
      assertThat(emu.requests()).isEmpty();
    } finally {
      if (mounted) {
        exec("umount", readOnly.toString());
      } else {
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  @Test
  void failFastStopsAtTheFirstFailureWithASummaryAndExit5() throws Exception {
    EmulatedFile first = run.file("media/img_0.png");
    first.faults().corruptByte(10);

    Cli.Result r =
        cli.run("download", "acme/proj/r1", "--root", root.toString(), "-c", "1", "--fail-fast");

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.out()).contains("Downloaded 0 files").contains("1 failed");
    assertThat(r.err())
        .contains("FAILED media/img_0.png: MD5 mismatch")
        .contains("Stopped at the first failure (--fail-fast)")
        .doesNotContain("Exception");
    assertThat(cli.storageRequests())
        .extracting(RecordedRequest::path)
        .containsOnly(objectPath(first));
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void failFastOnARerunOfACompleteDownloadSucceeds() {
    assertThat(cli.run("download", "acme/proj/r1", "--root", root.toString()).code()).isZero();

    Cli.Result again =
        cli.run("download", "acme/proj/r1", "--root", root.toString(), "--fail-fast");

    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("31 already up to date");
  }

  @Test
  void aNameTheRunDoesNotHaveIsReportedAfterTheOthersWithExit4() throws Exception {
    emu.clearRequests();

    Cli.Result r =
        cli.run(
            "download",
            "acme/proj/r1",
            "--root",
            root.toString(),
            "--name",
            "config.json",
            "--name",
            "typo.json");

    assertThat(r.code()).isEqualTo(Main.NOT_FOUND);
    assertThat(r.out()).contains("Downloaded 1 file (");
    assertThat(r.err()).contains("not found: typo.json (no such file in acme/proj/r1)");
    assertThat(Files.readString(root.resolve("config.json"))).isEqualTo("{\"lr\":0.1}");
    assertThat(root.resolve("typo.json")).doesNotExist();
    assertThat(emu.requests())
        .filteredOn(q -> "RunFiles".equals(q.operationName()))
        .singleElement()
        .satisfies(
            q ->
                assertThat(q.variables().get("fileNames"))
                    .isEqualTo(List.of("config.json", "typo.json")));
    assertThat(cli.storageRequests()).hasSize(1);
  }

  @Test
  void aPatternThatMatchesNothingSaysSoAndSucceeds() {
    Cli.Result r =
        cli.run("download", "acme/proj/r1", "--root", root.toString(), "--pattern", "nope/%");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("No files matched");
    assertThat(cli.storageRequests()).isEmpty();
  }

  private static boolean isRoot() throws Exception {
    Process p = new ProcessBuilder("id", "-u").start();
    return p.waitFor(10, TimeUnit.SECONDS)
        && new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .strip()
            .equals("0");
  }

  private static boolean exec(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
