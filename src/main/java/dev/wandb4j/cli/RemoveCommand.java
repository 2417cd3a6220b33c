package dev.wandb4j.cli;

import dev.wandb4j.File;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbDeleteException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Flux;

/** {@code wandb4j rm}. */
@Command(
    name = "rm",
    description = {
      "Delete a run's files that a pattern or names select, in batches.",
      "A --name the run does not have is reported after the others are deleted, and the exit",
      "code is 4."
    },
    mixinStandardHelpOptions = true)
final class RemoveCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Mixin Connection connection;

  @Parameters(paramLabel = "RUN", description = "entity/project/runId or the run's URL")
  String run;

  @ArgGroup(exclusive = true)
  Selection selection;

  @Option(
      names = {"-y", "--yes"},
      description = "Delete without asking.")
  boolean yes;

  @Override
  public Integer call() throws IOException {
    if (selection == null || selection.pattern == null && selection.names == null) {
      main.err.println("error: say which files to delete with --pattern or --name");
      return Main.USAGE;
    }
    Requested requested = new Requested(selection);
    try (WandbClient client = main.client(connection, run)) {
      Run r = client.run(run);
      List<File> files = r.files(selection.query(1000)).collectList().block();
      Set<String> missing = requested.names();
      for (File f : files) {
        missing.remove(f.name());
      }
      if (files.isEmpty()) {
        if (missing.isEmpty()) {
          main.out.println(requested.nothing(r) + " Nothing deleted.");
        }
        return requested.reportMissing(main, missing, r, Main.OK);
      }
      long bytes = 0;
      for (File f : files) {
        bytes += f.size();
        if (!main.quiet) {
          main.out.println("  " + Names.escape(f.name()));
        }
      }
      main.out.printf(
          "%s (%s) of %s will be deleted.%n",
          Format.count(files.size(), "file"), Format.bytes(bytes), r.path());
      main.out.flush();
      if (!yes) {
        if (!main.terminal) {
          main.err.println(
              "error: refusing to delete without confirmation on a non-interactive terminal;"
                  + " pass --yes");
          return Main.USAGE;
        }
        main.out.print("Delete them? [y/N] ");
        main.out.flush();
        String answer = main.in.readLine();
        if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
          main.out.println("Nothing deleted.");
          return requested.reportMissing(main, missing, r, Main.OK);
        }
      }
      // Exactly the files listed and confirmed: the listing has ended before the first deletion.
      Long deleted;
      try {
        deleted = r.deleteFiles(Flux.fromIterable(files)).block();
      } catch (WandbDeleteException e) {
        main.out.println(
            "Deleted "
                + e.deletedCount()
                + " of "
                + Format.count(e.requestedCount(), "file")
                + " before an error; the others may still be there.");
        main.out.flush();
        throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
      }
      main.out.println("Deleted " + Format.count(deleted, "file") + ".");
      main.out.flush();
      return requested.reportMissing(main, missing, r, Main.OK);
    }
  }
}
