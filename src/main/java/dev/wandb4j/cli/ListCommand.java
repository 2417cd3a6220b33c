package dev.wandb4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wandb4j.File;
import dev.wandb4j.FilePage;
import dev.wandb4j.WandbClient;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code wandb4j ls}. */
@Command(
    name = "ls",
    description = "List a run's files as pages arrive: name, size, type, last update.",
    mixinStandardHelpOptions = true)
final class ListCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @ParentCommand Main main;

  @Parameters(paramLabel = "RUN", description = "entity/project/runId or the run's URL")
  String run;

  @ArgGroup(exclusive = true)
  Selection selection;

  @Option(names = "--json", description = "One JSON object per line (NDJSON).")
  boolean json;

  @Option(names = "--per-page", defaultValue = "1000", description = "Files per page request.")
  int perPage;

  @Override
  public Integer call() {
    long[] totals = new long[2];
    try (WandbClient client = main.client()) {
      if (!json && !main.quiet) {
        main.out.printf("%-60s %10s  %-24s %s%n", "NAME", "SIZE", "TYPE", "UPDATED (UTC)");
      }
      client
          .run(run)
          .filePages(Selection.query(selection, perPage))
          .doOnNext(
              page -> {
                print(page);
                for (File f : page.files()) {
                  totals[0]++;
                  totals[1] += f.size();
                }
              })
          .blockLast();
    }
    if (!json) {
      main.out.printf("%d files, %s%n", totals[0], Format.bytes(totals[1]));
    }
    main.out.flush();
    return Main.OK;
  }

  private void print(FilePage page) {
    for (File f : page.files()) {
      if (json) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", f.name());
        n.put("size", f.size());
        n.put("md5", f.md5());
        n.put("mimetype", f.mimetype());
        n.put("updatedAt", f.updatedAt() == null ? null : f.updatedAt().toString());
        n.put("id", f.id());
        main.out.println(n.toString());
      } else if (!main.quiet) {
        main.out.printf(
            "%-60s %10s  %-24s %s%n",
            f.name(),
            Format.bytes(f.size()),
            f.mimetype() == null ? "-" : f.mimetype(),
            f.updatedAt() == null ? "-" : TIME.format(f.updatedAt()));
      }
    }
    main.out.flush();
  }
}
