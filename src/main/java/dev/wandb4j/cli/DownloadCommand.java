package dev.wandb4j.cli;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Project;
import dev.wandb4j.RunQuery;
import dev.wandb4j.WandbClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code wandb4j download}. */
@Command(
    name = "download",
    description = {
      "Download a run's files, or every run's files of a project, into a folder, several at a",
      "time; a project's runs go into ROOT/<run ID>/.",
      "Each file is written to a part file beside its target, its size and MD5 verified, then",
      "moved into place: an interrupted run never leaves a half-written file.",
      "Running the same command again skips the files already complete (same size and MD5;",
      "files it completed before are known from a journal in each folder and not read again)",
      "and fetches the rest, like rsync or aws s3 sync; a large file cut short by Ctrl-C or a",
      "crash continues from where it stopped. --replace downloads every file again.",
      "A --name the run does not have is reported after the others, and the exit code is 4."
    },
    mixinStandardHelpOptions = true)
final class DownloadCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Mixin Connection connection;

  @Parameters(
      paramLabel = "RUN|PROJECT",
      description =
          "entity/project/runId or the run's URL; or entity/project (or the project's URL) for"
              + " every run of the project")
  String run;

  @Mixin RunFilterOptions runs = new RunFilterOptions();

  @Option(
      names = "--root",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "Where to write (default: the current folder).")
  Path root;

  @ArgGroup(exclusive = true)
  Selection selection;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "8",
      paramLabel = "N",
      description = "Files in flight at once (default: 8).")
  int concurrency;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  @Option(names = "--no-verify", description = "Skip the MD5 check (the size is always checked).")
  boolean noVerify;

  @Option(
      names = "--verify-existing",
      description =
          "Read and hash every file that is already there, even those the journal records as"
              + " complete and unchanged.")
  boolean verifyExisting;

  @Option(
      names = "--no-fsync",
      description =
          "Do not force files to disk before moving them into place (faster; a power cut may"
              + " then leave a short file).")
  boolean noFsync;

  @Option(
      names = "--fail-fast",
      description = "Stop at the first file that fails; files not started yet are left alone.")
  boolean failFast;

  /** What to do with a file that is already there; the default is {@code --sync}'s. */
  static final class Mode {
    @Option(
        names = "--sync",
        description =
            "The default: keep files whose size and MD5 match the run's, download the others.")
    boolean sync;

    @Option(
        names = "--replace",
        description = "Download every file, replacing those that are there.")
    boolean replace;

    @Option(
        names = "--exist-ok",
        description =
            "Keep every file that is there without checking it (no hashing: fast on a large"
                + " folder, but a changed or damaged file stays); download only missing ones.")
    boolean existOk;
  }

  @Override
  public Integer call() throws Exception {
    String problem = checkRoot(root);
    if (problem != null) {
      main.err.println("error: " + Names.escape(problem));
      main.err.flush();
      return Main.ERROR;
    }
    DownloadOptions options =
        DownloadOptions.builder()
            .replace(mode.replace)
            .existOk(mode.existOk)
            .sync(!mode.replace && !mode.existOk)
            .verifyChecksum(!noVerify)
            .verifyExisting(verifyExisting)
            .durable(!noFsync)
            .failFast(failFast)
            .build();
    if (Target.isProject(run)) {
      if (selection != null && selection.names != null) {
        throw new IllegalArgumentException(
            "--name selects files of one run; with a project, select files with --pattern");
      }
      RunQuery runQuery = runs.query(RunQuery.DEFAULT_PER_PAGE);
      FileQuery fileQuery = Selection.query(selection, 1000);
      try (WandbClient client = main.client(connection, run, concurrency)) {
        Project project = client.project(run);
        return new BulkRun(main)
            .download(
                client,
                progress ->
                    project.downloadAll(root, runQuery, fileQuery, options, concurrency, progress),
                options,
                new Requested(selection),
                null);
      }
    }
    if (runs.given()) {
      throw new IllegalArgumentException(
          "--runs-filter, --state, --tag, --created-after/--created-before and --oldest-first"
              + " select runs of a project: give entity/project instead of a run");
    }
    try (WandbClient client = main.client(connection, run, concurrency)) {
      return new BulkRun(main)
          .download(
              client,
              client.run(run),
              root,
              Selection.query(selection, 1000),
              options,
              concurrency,
              new Requested(selection));
    }
  }

  /**
   * Checks once, before anything is sent, that {@code root} is a folder files can be written to,
   * creating it if need be: a root that is a file or read-only would otherwise fail every file.
   *
   * @return what is wrong, or {@code null}
   */
  static String checkRoot(Path root) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      return "--root " + root + " is not a folder";
    }
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      return "cannot create --root " + root + ": " + reason(e);
    }
    try {
      Path probe = Files.createTempFile(root, ".wandb4j-", ".probe");
      Files.delete(probe);
    } catch (IOException e) {
      return "cannot write to --root " + root + ": " + reason(e);
    }
    return null;
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
