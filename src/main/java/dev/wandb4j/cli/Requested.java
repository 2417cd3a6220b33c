package dev.wandb4j.cli;

import dev.wandb4j.Run;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a command was asked for, to say afterwards what it did not find: a {@code --name} the run
 * does not have is an error the user wants to see; a {@code --pattern} that matches nothing is not.
 */
final class Requested {
  private final Selection selection;

  Requested(Selection selection) {
    this.selection = selection;
  }

  /** The names asked for with {@code --name}, in order; a new set the caller may change. */
  Set<String> names() {
    return selection == null || selection.names == null
        ? new LinkedHashSet<>()
        : new LinkedHashSet<>(selection.names);
  }

  /** What to say when nothing was selected. */
  String nothing(Run run) {
    if (selection != null && selection.pattern != null) {
      return "No files matched --pattern '" + Names.escape(selection.pattern) + "'.";
    }
    return "No files in " + run.path() + ".";
  }

  /** What to say when a project export selected nothing. */
  String nothingInProject() {
    if (selection != null && selection.pattern != null) {
      return "No files of the runs selected matched --pattern '"
          + Names.escape(selection.pattern)
          + "'.";
    }
    return "No files in the runs selected.";
  }

  /**
   * Reports each name the run does not have, after everything else was printed.
   *
   * @return {@link Main#NOT_FOUND} when there are any, else {@code code}
   */
  int reportMissing(Main main, Set<String> missing, Run run, int code) {
    for (String name : missing) {
      main.err.println(
          "not found: " + Names.escape(name) + " (no such file in " + run.path() + ")");
    }
    main.err.flush();
    return missing.isEmpty() || code != Main.OK ? code : Main.NOT_FOUND;
  }
}
