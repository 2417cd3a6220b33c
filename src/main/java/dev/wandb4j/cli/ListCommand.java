package dev.wandb4j.cli;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wandb4j.File;
import dev.wandb4j.FilePage;
import dev.wandb4j.Project;
import dev.wandb4j.Run;
import dev.wandb4j.RunInfo;
import dev.wandb4j.RunQuery;
import dev.wandb4j.WandbClient;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

/** {@code wandb4j ls}. */
@Command(
    name = "ls",
    description = {
      "List a run's files as pages arrive: size, type, last update and name.",
      "A --name the run does not have is reported after the others, and the exit code is 4.",
      "Given entity/project, list the project's runs instead: state, creation time, run ID and",
      "display name (and with --files, how many files each has)."
    },
    mixinStandardHelpOptions = true)
final class ListCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setCharacterEscapes(new ControlEscapes());
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
  private static final int TYPE_WIDTH = 24;
  private static final String ROW = "%10s  %-" + TYPE_WIDTH + "s  %-16s  %s%n";

  @ParentCommand Main main;

  @Mixin Connection connection;

  @Parameters(
      paramLabel = "RUN|PROJECT",
      description = "entity/project/runId or the run's URL; or entity/project for its runs")
  String run;

  @Mixin RunFilterOptions runs = new RunFilterOptions();

  @Option(names = "--files", description = "With a project: each run's number of files too.")
  boolean files;

  @ArgGroup(exclusive = true)
  Selection selection;

  @Option(names = "--json", description = "One JSON object per line (NDJSON).")
  boolean json;

  @Option(
      names = "--per-page",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Files per page request (default: 1000).")
  int perPage;

  @Override
  public Integer call() {
    if (Target.isProject(run)) {
      if (selection != null) {
        throw new IllegalArgumentException(
            "--name and --pattern select files of a run; with a project, ls lists its runs");
      }
      return listRuns();
    }
    if (runs.given() || files) {
      throw new IllegalArgumentException(
          "--runs-filter, --state, --tag, --created-after/--created-before, --oldest-first and"
              + " --files are for a project's runs: give entity/project instead of a run");
    }
    long[] totals = new long[2];
    Requested requested = new Requested(selection);
    Set<String> unseen = requested.names();
    Run r;
    try (WandbClient client = main.client(connection, run)) {
      r = client.run(run);
      if (!json && !main.quiet) {
        main.out.printf(ROW, "SIZE", "TYPE", "UPDATED (UTC)", "NAME");
      }
      r.filePages(Selection.query(selection, perPage))
          .doOnNext(
              page -> {
                print(page);
                for (File f : page.files()) {
                  totals[0]++;
                  totals[1] += f.size();
                  unseen.remove(f.name());
                }
              })
          .blockLast();
    }
    if (!json) {
      if (totals[0] == 0 && unseen.isEmpty()) {
        main.out.println(requested.nothing(r));
      } else {
        main.out.printf("%s, %s%n", Format.count(totals[0], "file"), Format.bytes(totals[1]));
      }
    }
    main.out.flush();
    return requested.reportMissing(main, unseen, r, Main.OK);
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
        println(n);
      } else if (!main.quiet) {
        main.out.printf(
            ROW,
            Format.bytes(f.size()),
            type(f.mimetype()),
            f.updatedAt() == null ? "-" : TIME.format(f.updatedAt()),
            Names.escape(f.name()));
      }
    }
    main.out.flush();
  }

  private static final String RUN_ROW = "%-9s  %-16s  %s%-12s  %s%n";

  /** Lists a project's runs as pages arrive, newest first unless asked otherwise. */
  private int listRuns() {
    long[] count = new long[1];
    try (WandbClient client = main.client(connection, run)) {
      Project project = client.project(run);
      if (!json && !main.quiet) {
        main.out.printf(
            RUN_ROW,
            "STATE",
            "CREATED (UTC)",
            files ? String.format("%7s  ", "FILES") : "",
            "RUN",
            "NAME");
      }
      Flux<RunInfo> listing = project.runs(runs.query(Math.min(perPage, RunQuery.MAX_PER_PAGE)));
      Flux<Object[]> rows =
          files
              ? listing.flatMapSequential(r -> r.run().fileCount().map(n -> new Object[] {r, n}), 8)
              : listing.map(r -> new Object[] {r, null});
      rows.doOnNext(
              row -> {
                count[0]++;
                printRun((RunInfo) row[0], (Long) row[1]);
              })
          .blockLast();
    }
    if (!json) {
      main.out.println(count[0] == 0 ? "No runs selected." : Format.count(count[0], "run"));
    }
    main.out.flush();
    return Main.OK;
  }

  private void printRun(RunInfo r, Long fileCount) {
    if (json) {
      ObjectNode n = JSON.createObjectNode();
      n.put("run", r.path().runId());
      n.put("path", r.path().toString());
      n.put("displayName", r.displayName());
      n.put("state", r.state());
      n.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
      n.putPOJO("tags", r.tags());
      if (fileCount != null) {
        n.put("files", fileCount);
      }
      println(n);
    } else if (!main.quiet) {
      main.out.printf(
          RUN_ROW,
          r.state() == null ? "-" : Names.escape(r.state()),
          r.createdAt() == null ? "-" : TIME.format(r.createdAt()),
          fileCount == null ? "" : String.format("%7d  ", fileCount),
          Names.escape(r.path().runId()),
          r.displayName() == null ? "-" : Names.escape(r.displayName()));
    }
    main.out.flush();
  }

  /** Prints one NDJSON line, control characters escaped. */
  private void println(ObjectNode n) {
    try {
      main.out.println(JSON.writeValueAsString(n));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The MIME type, cut to its column so that the names after it stay aligned. */
  private static String type(String mimetype) {
    if (mimetype == null) {
      return "-";
    }
    String t = Names.escape(mimetype);
    return t.length() <= TYPE_WIDTH ? t : t.substring(0, TYPE_WIDTH - 3) + "...";
  }

  /**
   * JSON string escapes for every control character, DEL and the C1 controls included, and the
   * marks that reorder text: Jackson escapes only those below 0x20 by default, and a terminal that
   * shows the NDJSON acts on the others.
   */
  private static final class ControlEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

    ControlEscapes() {
      ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (Character.isISOControl(ch) || Names.isFormatMark((char) ch)) {
        return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
      }
      return null;
    }
  }
}
