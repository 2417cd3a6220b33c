package dev.wandb4j.cli;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.WandbClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code wandb4j download}. */
@Command(
    name = "download",
    description = {
      "Download a run's files into a folder, several at a time.",
      "Each file is written to <name>.part, its size and MD5 verified, then moved into place:",
      "an interrupted run never leaves a half-written file, and running again resumes."
    },
    mixinStandardHelpOptions = true)
final class DownloadCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(paramLabel = "RUN", description = "entity/project/runId or the run's URL")
  String run;

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
      description = "Files in flight at once (default: 8).")
  int concurrency;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  @Option(names = "--no-verify", description = "Skip the MD5 check (the size is always checked).")
  boolean noVerify;

  @Option(names = "--fail-fast", description = "Stop at the first file that fails.")
  boolean failFast;

  static final class Mode {
    @Option(names = "--replace", description = "Replace files that exist.")
    boolean replace;

    @Option(names = "--exist-ok", description = "Keep files that exist, unchecked.")
    boolean existOk;

    @Option(
        names = "--sync",
        description = "Keep files whose size and MD5 match; replace the others.")
    boolean sync;
  }

  @Override
  public Integer call() throws Exception {
    DownloadOptions options =
        DownloadOptions.builder()
            .replace(mode.replace)
            .existOk(mode.existOk)
            .sync(mode.sync)
            .verifyChecksum(!noVerify)
            .failFast(failFast)
            .build();
    try (WandbClient client = main.client(concurrency)) {
      return new BulkRun(main)
          .download(
              client,
              client.run(run),
              root,
              Selection.query(selection, 1000),
              options,
              concurrency);
    }
  }
}
