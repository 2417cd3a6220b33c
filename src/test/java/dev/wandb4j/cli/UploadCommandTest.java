package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wandb4j upload RUN PATH...}: files and folders named by their path under {@code --root}
 * after {@code --name-prefix}, the progress, summary and exit codes of {@code download}, {@code
 * --sync} sending only what changed, and bad arguments refused before anything is sent.
 */
class UploadCommandTest {
  @TempDir Path dir;
  private WandbEmulator emu;
  private EmulatedRun run;
  private Cli cli;
  private Path root;

  @BeforeEach
  void setUp() throws Exception {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/r1");
    cli = new Cli(emu);
    root = Files.createDirectories(dir.resolve("out"));
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private Path write(String rel, int size) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    byte[] bytes = new byte[size];
    new Random(rel.hashCode()).nextBytes(bytes);
    return Files.write(p, bytes);
  }

  private static String md5(Path p) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
  }

  private Map<String, String> listed() {
    return run.files().stream().collect(Collectors.toMap(EmulatedFile::name, EmulatedFile::md5));
  }

  private long puts() {
    return emu.requests().stream().filter(q -> q.method().equals("PUT")).count();
  }

  @Test
  void filesAndFoldersAreNamedByTheirPathUnderTheRootAfterThePrefix() throws Exception {
    Path a = write("eval/metrics.json", 300);
    Path b = write("eval/media/img.png", 70_000);
    Path c = write("notes.txt", 12);
    write("not-selected.bin", 10);

    Cli.Result r =
        cli.run(
            "upload",
            "acme/proj/r1",
            root.resolve("eval").toString(),
            c.toString(),
            "--root",
            root.toString(),
            "--name-prefix",
            "results/");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Uploaded 3 files (")
        .contains("0 failed.")
        .doesNotContain("up to date");
    assertThat(r.err()).isEmpty();
    assertThat(listed())
        .containsOnly(
            Map.entry("results/eval/metrics.json", md5(a)),
            Map.entry("results/eval/media/img.png", md5(b)),
            Map.entry("results/notes.txt", md5(c)));
    assertThat(emu.requests())
        .filteredOn(q -> q.method().equals("PUT"))
        .hasSize(3)
        .noneMatch(RecordedRequest::authorization);
  }

  @Test
  void aRerunWithSyncSendsOnlyWhatChangedOrIsNew() throws Exception {
    for (int i = 0; i < 12; i++) {
      write("f" + i + ".bin", 1000 + i);
    }
    Cli.Result first =
        cli.run("upload", "acme/proj/r1", root.toString(), "--root", root.toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("Uploaded 12 files");
    Path changed = Files.write(root.resolve("f4.bin"), new byte[] {4, 4, 4});
    Path added = write("new.bin", 77);
    emu.clearRequests();

    Cli.Result again =
        cli.run("upload", "acme/proj/r1", root.toString(), "--root", root.toString(), "--sync");

    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("Uploaded 2 files (80 B)")
        .contains("11 already up to date")
        .contains("0 failed.");
    assertThat(emu.requests())
        .filteredOn(q -> q.method().equals("PUT"))
        .extracting(RecordedRequest::path)
        .containsExactlyInAnyOrder("/uploads/acme/proj/r1/f4.bin", "/uploads/acme/proj/r1/new.bin");
    assertThat(listed()).hasSize(13).containsEntry("f4.bin", md5(changed));
    assertThat(listed()).containsEntry("new.bin", md5(added));
  }

  @Test
  void theRootDefaultsToTheCurrentFolderAndConcurrencyIsHonoured() throws Exception {
    write("x.txt", 5);
    Path cwd = Path.of("").toAbsolutePath();

    Cli.Result outside = cli.run("upload", "acme/proj/r1", root.resolve("x.txt").toString());

    // The temporary folder is not under the working folder of the tests.
    assertThat(root.toAbsolutePath().startsWith(cwd)).isFalse();
    assertThat(outside.code()).isEqualTo(Main.USAGE);
    assertThat(outside.err()).contains("is not under --root").contains(cwd.toString());
    Cli.Result one =
        cli.run("upload", "acme/proj/r1", root.toString(), "--root", root.toString(), "-c", "1");
    assertThat(one.code()).as(one.err()).isZero();
    assertThat(listed()).containsOnlyKeys("x.txt");
  }

  @Test
  void failedFilesAreListedWithTheirReasonsAndTheExitCodeIs5() throws Exception {
    for (int i = 0; i < 3; i++) {
      write("f" + i + ".bin", 100);
    }
    emu.uploadFaults().failNext(1, 413);

    Cli.Result r =
        cli.run("upload", "acme/proj/r1", root.toString(), "--root", root.toString(), "-c", "1");

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.out()).contains("Uploaded 2 files").contains("1 failed.");
    assertThat(r.err())
        .containsPattern("FAILED f[012]\\.bin: HTTP 413 for the upload of file 'f[012]\\.bin'")
        .doesNotContain("Run the same command again")
        .doesNotContain("Exception");
    assertThat(listed()).hasSize(2);
  }

  @Test
  void aFailureThatMaySucceedLaterSuggestsRunningAgainWithSync() throws Exception {
    write("a.bin", 100);
    // Rate limited on every attempt, with Retry-After: 0 so that the retries are quick.
    emu.uploadFaults().failNext(100, 429, Duration.ZERO);

    Cli.Result r = cli.run("upload", "acme/proj/r1", root.toString(), "--root", root.toString());

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.err())
        .contains("FAILED a.bin: ")
        .contains("Run the same command again with --sync to retry the 1 file");
  }

  @Test
  void failFastStopsAtTheFirstFailure() throws Exception {
    for (int i = 0; i < 20; i++) {
      write("f" + i + ".bin", 100);
    }
    emu.uploadFaults().failNext(100, 413);

    Cli.Result r =
        cli.run(
            "upload",
            "acme/proj/r1",
            root.toString(),
            "--root",
            root.toString(),
            "-c",
            "1",
            "--fail-fast");

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.out()).contains("Uploaded 0 files").contains("1 failed.");
    assertThat(r.err()).contains("Stopped at the first failure (--fail-fast)");
    assertThat(puts()).isEqualTo(1);
  }

  @Test
  void aRunThatDoesNotExistExitsWith4AndSendsNoFile() throws Exception {
    write("a.bin", 100);

    Cli.Result r = cli.run("upload", "acme/proj/nope", root.toString(), "--root", root.toString());

    assertThat(r.code()).isEqualTo(Main.NOT_FOUND);
    assertThat(r.err().lines().toList())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: Run acme/proj/nope not found")
                    .doesNotContain("\tat "));
    assertThat(puts()).isZero();
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() throws Exception {
    write("a.bin", 10);
    Path outside = Files.writeString(dir.resolve("outside.txt"), "x");
    String r = root.toString();

    assertThat(cli.run("upload", "acme/proj/r1", r, "--root", r, "--name-prefix", "../up/"))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.USAGE))
        .satisfies(x -> assertThat(x.err()).contains("namePrefix '../up/'"));
    assertThat(cli.run("upload", "acme/proj/r1", r, "--root", r, "--name-prefix", "/abs/"))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.USAGE));
    assertThat(cli.run("upload", "acme/proj/r1", outside.toString(), "--root", r))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.USAGE))
        .satisfies(x -> assertThat(x.err()).contains("is not under --root " + r));
    assertThat(cli.run("upload", "acme/proj/r1", root.resolve("missing").toString(), "--root", r))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.ERROR))
        .satisfies(x -> assertThat(x.err()).contains("no such file or folder"));
    assertThat(cli.run("upload", "acme/proj/r1", r, "--root", outside.toString()))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.ERROR))
        .satisfies(x -> assertThat(x.err()).contains("is not a folder"));
    assertThat(cli.run("upload", "acme/proj", r, "--root", r))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.USAGE))
        .satisfies(x -> assertThat(x.err()).contains("entity/project/runId"));
    assertThat(cli.run("upload", "acme/proj/r1"))
        .satisfies(x -> assertThat(x.code()).isEqualTo(Main.USAGE));
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void theClientsOwnFilesAndLinksAreNotSentAndLinksAreReported() throws Exception {
    write("a.bin", 10);
    write("a.bin.wandb4j-part", 10);
    Files.createSymbolicLink(root.resolve("link.txt"), Files.writeString(dir.resolve("s"), "s"));

    Cli.Result r = cli.run("upload", "acme/proj/r1", root.toString(), "--root", root.toString());

    assertThat(r.code()).isEqualTo(Main.TRANSFER);
    assertThat(r.out()).contains("Uploaded 1 file (10 B)").contains("1 failed.");
    assertThat(r.err()).contains("FAILED link.txt: ").contains("symbolic link");
    assertThat(listed()).containsOnlyKeys("a.bin");
  }

  @Test
  void aTerminalGetsAProgressBarAndQuietOnlyTheSummary() throws Exception {
    write("big.bin", 3 << 20);

    Cli.Result shown =
        cli.run("", true, "upload", "acme/proj/r1", root.toString(), "--root", root.toString());
    Cli.Result quiet =
        cli.run(
            "",
            true,
            "upload",
            "acme/proj/r1",
            root.toString(),
            "--root",
            root.toString(),
            "--quiet");

    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.out())
        .contains("\r[")
        .contains("1/1 files")
        .contains("Uploaded 1 file (3.0 MiB)");
    assertThat(quiet.out().lines().toList())
        .singleElement()
        .satisfies(line -> assertThat(line).startsWith("Uploaded 1 file (3.0 MiB)"));
  }
}
