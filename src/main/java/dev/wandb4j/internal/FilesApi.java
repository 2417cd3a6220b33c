package dev.wandb4j.internal;

import dev.wandb4j.RunPath;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbNotFoundException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The W&amp;B Files API operations: list, count, look up, delete. Internal. */
public final class FilesApi {
  /** W&amp;B's marker for a requested name that has no file. */
  static final String MISSING_MD5 = "0";

  private final GraphQlClient gql;
  private final Events events;

  public FilesApi(GraphQlClient gql, Events events) {
    this.gql = gql;
    this.events = events;
  }

  /**
   * The pages of a listing, each fetched only when downstream demand reaches it. Each subscription
   * starts afresh from {@code startCursor}.
   */
  public Flux<PageData> pages(
      RunPath run,
      List<String> names,
      String pattern,
      int perPage,
      boolean upload,
      String startCursor) {
    return Flux.defer(
        () -> {
          Set<String> seen = new HashSet<>();
          if (startCursor != null) {
            seen.add(startCursor);
          }
          return onDemand(() -> page(run, names, pattern, perPage, upload, startCursor, seen))
              .expand(
                  page ->
                      page.hasNextPage()
                          ? onDemand(
                              () ->
                                  page(
                                      run, names, pattern, perPage, upload, page.endCursor(), seen))
                          : Mono.empty());
        });
  }

  /**
   * A Mono that subscribes to its source only once it is requested, not when subscribed: {@code
   * expand} subscribes to the next page's publisher as soon as the previous page completes, and a
   * page request must not be sent before downstream demand reaches it.
   */
  static <T> Mono<T> onDemand(Supplier<Mono<T>> source) {
    return Mono.create(
        sink -> {
          AtomicBoolean started = new AtomicBoolean();
          sink.onRequest(
              n -> {
                if (started.compareAndSet(false, true)) {
                  // The source's completion is passed on only when it had no value: the sink may
                  // still be holding the value for the request that is being made, and an empty
                  // success() in that moment would complete it without the value.
                  AtomicBoolean valued = new AtomicBoolean();
                  Disposable inner =
                      source
                          .get()
                          .contextWrite(sink.contextView())
                          .subscribe(
                              value -> {
                                valued.set(true);
                                sink.success(value);
                              },
                              sink::error,
                              () -> {
                                if (!valued.get()) {
                                  sink.success();
                                }
                              });
                  sink.onCancel(inner);
                }
              });
        });
  }

  private Mono<PageData> page(
      RunPath run,
      List<String> names,
      String pattern,
      int perPage,
      boolean upload,
      String cursor,
      Set<String> seen) {
    Map<String, Object> vars = runVariables(run);
    vars.put("fileNames", names);
    vars.put("upload", upload);
    vars.put("pattern", pattern);
    vars.put("fileLimit", perPage);
    vars.put("fileCursor", cursor);
    return gql.execute(Operation.RUN_FILES, vars, Dtos.ProjectData.class, "files of run " + run)
        .map(data -> toPage(run, data, cursor, seen))
        .doOnEach(
            signal -> {
              if (signal.isOnNext()) {
                events.pageFetched(signal.get().files().size(), signal.getContextView());
              }
            });
  }

  static PageData toPage(RunPath run, Dtos.ProjectData data, String cursor, Set<String> seen) {
    Dtos.RunDto runDto = requireRun(run, data);
    Dtos.ConnectionDto<Dtos.FileNodeDto> conn = runDto.files();
    if (conn == null) {
      return new PageData(List.of(), null, false);
    }
    long projectId = runDto.projectId() == null ? -1 : runDto.projectId();
    List<Dtos.EdgeDto<Dtos.FileNodeDto>> edges = conn.edges() == null ? List.of() : conn.edges();
    List<FileData> files = new ArrayList<>(edges.size());
    for (Dtos.EdgeDto<Dtos.FileNodeDto> edge : edges) {
      if (edge != null && edge.node() != null && !MISSING_MD5.equals(edge.node().md5())) {
        files.add(toFile(run, edge.node(), projectId));
      }
    }
    Paging.Next next = Paging.next(conn, cursor, seen, "files of run " + run);
    return new PageData(files, next.cursor(), next.hasNext());
  }

  private static Dtos.RunDto requireRun(RunPath run, Dtos.ProjectData data) {
    if (data.project() == null) {
      throw new WandbNotFoundException(
          "Project "
              + run.entity()
              + "/"
              + run.project()
              + " not found, or the API key has no access to it (run "
              + run
              + ")");
    }
    if (data.project().run() == null) {
      throw new WandbNotFoundException("Run " + run + " not found");
    }
    return data.project().run();
  }

  static FileData toFile(RunPath run, Dtos.FileNodeDto node, long projectId) {
    if (node.id() == null || node.id().isEmpty()) {
      throw badFile(run, node, "it has no id");
    }
    if (node.name() == null || node.name().isEmpty()) {
      throw badFile(run, node, "it has no name");
    }
    if (node.sizeBytes() == null) {
      throw badFile(run, node, "it has no sizeBytes");
    }
    if (node.sizeBytes() < 0) {
      throw badFile(run, node, "its sizeBytes is negative (" + node.sizeBytes() + ")");
    }
    return new FileData(
        node.id(),
        node.name(),
        node.url(),
        node.directUrl(),
        node.sizeBytes(),
        node.md5(),
        node.mimetype(),
        parseInstant(node.updatedAt()),
        projectId);
  }

  private static WandbException badFile(RunPath run, Dtos.FileNodeDto node, String why) {
    String name = node.name() == null ? "(unnamed)" : node.name();
    if (name.length() > 200) {
      name = name.substring(0, 200) + "...";
    }
    return new WandbException(
        "W&B described file '"
            + name
            + "' of run "
            + run
            + " in a way this client cannot use: "
            + why,
        null,
        false);
  }

  static Instant parseInstant(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    Instant plain = plainUtc(s);
    if (plain != null) {
      return plain;
    }
    try {
      // W&B sends UTC times without an offset; decide up front rather than by a failed parse,
      // which would cost an exception for every file of a listing.
      return hasOffset(s)
          ? OffsetDateTime.parse(s).toInstant()
          : LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException unreadable) {
      return null;
    }
  }

  /**
   * W&amp;B's usual form, {@code yyyy-MM-ddTHH:mm:ss} in UTC, read without a formatter: a listing
   * reads one per file, and the general parser allocates about a kilobyte each time. Null for any
   * other form.
   */
  private static Instant plainUtc(String s) {
    if (s.length() != 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    } catch (java.time.DateTimeException outOfRange) {
      return null;
    }
  }

  /** The decimal number in {@code s} at {@code from}, {@code n} digits long; -1 if not digits. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Whether an ISO date-time ends in an offset: {@code Z}, or a sign after the time. */
  private static boolean hasOffset(String s) {
    int t = s.indexOf('T');
    if (t < 0) {
      return false;
    }
    char last = s.charAt(s.length() - 1);
    return last == 'Z' || last == 'z' || s.indexOf('+', t) > 0 || s.indexOf('-', t) > 0;
  }

  /** W&amp;B's {@code fileCount}: the run's total, whatever filter a listing uses. */
  public Mono<Long> fileCount(RunPath run) {
    return gql.execute(
            Operation.RUN_FILE_COUNT,
            runVariables(run),
            Dtos.ProjectData.class,
            "file count of run " + run)
        .map(
            data -> {
              Long count = requireRun(run, data).fileCount();
              return count == null ? 0L : count;
            });
  }

  /** One file by exact name; {@link WandbNotFoundException} if the run has none of that name. */
  public Mono<FileData> file(RunPath run, String name) {
    Map<String, Object> vars = runVariables(run);
    vars.put("fileNames", List.of(name));
    vars.put("upload", false);
    vars.put("pattern", null);
    vars.put("fileLimit", 1);
    vars.put("fileCursor", null);
    return gql.execute(
            Operation.RUN_FILES, vars, Dtos.ProjectData.class, "file '" + name + "' of run " + run)
        .flatMap(
            data -> {
              PageData page = toPage(run, data, null, new HashSet<>());
              for (FileData f : page.files()) {
                if (f.name().equals(name)) {
                  return Mono.just(f);
                }
              }
              return Mono.error(
                  new WandbNotFoundException("Run " + run + " has no file named '" + name + "'"));
            });
  }

  /**
   * The IDs of the files of a run that have these exact names, as W&amp;B lists them now; names
   * without a file are left out. Selects nothing but IDs, names and MD5s: no URLs.
   *
   * @param run the run
   * @param names at most {@link dev.wandb4j.FileQuery#MAX_PER_PAGE} names
   * @return the IDs of the files found
   */
  public Mono<Set<String>> presentIds(RunPath run, List<String> names) {
    return Mono.defer(
        () -> {
          Set<String> ids = new HashSet<>();
          Set<String> seen = new HashSet<>();
          return idsPage(run, names, null, ids, seen)
              .expand(next -> next.isEmpty() ? Mono.empty() : idsPage(run, names, next, ids, seen))
              .then(Mono.fromSupplier(() -> ids));
        });
  }

  /** One page of a lookup by name: adds the IDs found; the cursor to go on from, or "" if none. */
  private Mono<String> idsPage(
      RunPath run, List<String> names, String cursor, Set<String> ids, Set<String> seen) {
    Map<String, Object> vars = runVariables(run);
    vars.put("fileNames", names);
    vars.put("fileLimit", names.size());
    vars.put("fileCursor", cursor);
    return gql.execute(
            Operation.RUN_FILE_IDS, vars, Dtos.ProjectData.class, "files by name of run " + run)
        .map(
            data -> {
              Dtos.ConnectionDto<Dtos.FileNodeDto> conn = requireRun(run, data).files();
              if (conn == null || conn.edges() == null) {
                return "";
              }
              for (Dtos.EdgeDto<Dtos.FileNodeDto> edge : conn.edges()) {
                Dtos.FileNodeDto node = edge == null ? null : edge.node();
                if (node != null && node.id() != null && !MISSING_MD5.equals(node.md5())) {
                  ids.add(node.id());
                }
              }
              Paging.Next next =
                  Paging.next(conn, cursor, seen, "files of run " + run + " looked up by name");
              return next.hasNext() ? next.cursor() : "";
            });
  }

  /**
   * Deletes files of one project in a single mutation.
   *
   * @return the number of files deleted
   */
  public Mono<Long> delete(List<String> ids, long projectId, String what) {
    if (projectId < 0) {
      return Mono.error(
          new WandbException(
              "Cannot delete " + what + ": W&B did not say which project the run belongs to",
              null,
              false));
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("files", ids);
    vars.put("projectId", projectId);
    return gql.execute(Operation.DELETE_FILES, vars, Dtos.DeleteData.class, what)
        .flatMap(
            data -> {
              if (data.deleteFiles() == null
                  || !Boolean.TRUE.equals(data.deleteFiles().success())) {
                return Mono.error(
                    new Unconfirmed(
                        "W&B did not confirm the deletion of " + what + "; list the run to check"));
              }
              return Mono.just((long) ids.size());
            });
  }

  private static Map<String, Object> runVariables(RunPath run) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("project", run.project());
    vars.put("entity", run.entity());
    vars.put("name", run.runId());
    return vars;
  }

  /** W&amp;B answered a deletion without confirming it: an answer, not a lost one. */
  static final class Unconfirmed extends WandbException {
    private static final long serialVersionUID = 1L;

    Unconfirmed(String message) {
      super(message, null, false);
    }
  }
}
