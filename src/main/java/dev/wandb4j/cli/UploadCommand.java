package dev.wandb4j.cli;

import dev.wandb4j.Run;
import dev.wandb4j.UploadOptions;
import dev.wandb4j.WandbClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Flux;

/** {@code wandb4j upload}. */
@Command(
    name = "upload",
    description = {
      "Upload files and folders to a run, several at a time, as W&B's SDK does: a signed URL",
      "from W&B for each file, then one PUT of the whole file, which never carries the API key.",
      "Each file is named by its path under --root (default: the current folder), after",
      "--name-prefix; folders are walked to any depth. Every upload is checked: W&B must list",
      "the file with the local file's size and MD5 afterwards.",
      "Symbolic links and special files under a folder are not sent (each is reported), nor",
      "are wandb4j's own part files and journals. --sync leaves alone the files W&B already",
      "has with the same size and MD5, so running the same command again sends only what",
      "changed or is missing."
    },
    mixinStandardHelpOptions = true)
final class UploadCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Mixin Connection connection;

  @Parameters(
      index = "0",
      paramLabel = "RUN",
      description = "entity/project/runId or the run's URL")
  String run;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "PATH",
      description = "Files and folders to upload, under --root.")
  List<Path> paths = new ArrayList<>();

  @Option(
      names = "--root",
      defaultValue = ".",
      paramLabel = "DIR",
      description =
          "The folder names are relative to (default: the current folder): DIR/a/b.json is"
              + " uploaded as a/b.json.")
  Path root;

  @Option(
      names = "--name-prefix",
      defaultValue = "",
      paramLabel = "P",
      description = "Put before every name, e.g. eval/ (default: nothing).")
  String namePrefix;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "8",
      paramLabel = "N",
      description = "Files in flight at once (default: 8).")
  int concurrency;

  @Option(
      names = "--sync",
      description =
          "Leave alone the files W&B already has with the same size and MD5 (each local file is"
              + " read once to compare); upload the others.")
  boolean sync;

  @Option(
      names = "--fail-fast",
      description = "Stop at the first file that fails; files not started yet are left alone.")
  boolean failFast;

  @Override
  public Integer call() throws Exception {
    if (Target.isProject(run)) {
      throw new IllegalArgumentException(
          "upload needs a run (entity/project/runId or the run's URL), not a project");
    }
    UploadOptions options =
        UploadOptions.builder().namePrefix(namePrefix).sync(sync).failFast(failFast).build();
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("--concurrency must be between 1 and 1024");
    }
    String problem = checkRoot(root);
    if (problem == null) {
      problem = checkPaths(root, paths);
    }
    if (problem != null) {
      main.err.println("error: " + Names.escape(problem));
      main.err.flush();
      return Main.ERROR;
    }
    try (WandbClient client = main.client(connection, run)) {
      Run target = client.run(run);
      return new BulkRun(main)
          .upload(
              client,
              progress ->
                  target.uploadAll(root, Flux.fromIterable(paths), options, concurrency, progress),
              options,
              "No files to upload.");
    }
  }

  /** What is wrong with {@code --root}, or {@code null}. */
  private static String checkRoot(Path root) {
    if (!Files.exists(root)) {
      return "--root " + root + " does not exist";
    }
    if (!Files.isDirectory(root)) {
      return "--root " + root + " is not a folder";
    }
    return null;
  }

  /**
   * What is wrong with the paths, or {@code null}: each must exist (a link counts: it is reported
   * when the upload reaches it); one outside {@code root} is a usage error, thrown.
   */
  private static String checkPaths(Path root, List<Path> paths) throws IOException {
    Path rootAbs = root.toAbsolutePath().normalize();
    Path rootReal = root.toRealPath();
    for (Path p : paths) {
      Path abs = p.toAbsolutePath().normalize();
      if (!abs.startsWith(rootAbs) && !abs.startsWith(rootReal)) {
        throw new IllegalArgumentException(
            p
                + " is not under --root "
                + root
                + " ("
                + rootAbs
                + "): names are paths under it; give --root a folder that holds every PATH");
      }
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return p + ": no such file or folder";
      }
    }
    return null;
  }
}
