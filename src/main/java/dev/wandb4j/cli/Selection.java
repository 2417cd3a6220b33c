package dev.wandb4j.cli;

import dev.wandb4j.FileQuery;
import java.util.List;
import picocli.CommandLine.Option;

/** Which files: {@code --pattern} or {@code --name}, not both. */
final class Selection {
  @Option(
      names = {"-p", "--pattern"},
      paramLabel = "LIKE",
      description = "MySQL LIKE pattern, evaluated by W&B: %% any run of characters, _ one.")
  String pattern;

  @Option(
      names = {"-n", "--name"},
      paramLabel = "NAME",
      description = "An exact file name; repeat for more.")
  List<String> names;

  FileQuery query(int perPage) {
    FileQuery.Builder b = FileQuery.builder().perPage(perPage);
    if (pattern != null) {
      b.pattern(pattern);
    }
    if (names != null) {
      b.names(names);
    }
    return b.build();
  }

  static FileQuery query(Selection s, int perPage) {
    return s == null ? FileQuery.builder().perPage(perPage).build() : s.query(perPage);
  }
}
