package dev.wandb4j;

import dev.wandb4j.internal.ClientCore;
import dev.wandb4j.internal.RunData;
import dev.wandb4j.internal.RunPageData;
import dev.wandb4j.internal.SafePaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A handle on one W&amp;B project: its runs, and every run's files in one download. Creating it
 * sends nothing; each method returns a cold publisher that starts afresh on every subscription.
 */
public final class Project {
  /** Files of one run listed ahead of the downloads while other runs are being listed. */
  private static final int LISTED_AHEAD = 64;

  /** Runs listed at once by one download of a project. */
  private static final int MAX_LISTINGS = 16;

  private final ProjectPath path;
  private final ClientCore core;

  Project(ProjectPath path, ClientCore core) {
    this.path = path;
    this.core = core;
  }

  /**
   * The project's path.
   *
   * @return entity and project
   */
  public ProjectPath path() {
    return path;
  }

  /**
   * A handle on one of the project's runs; no request is sent.
   *
   * @param runId the run's short ID
   * @return the run
   */
  public Run run(String runId) {
    return new Run(path.run(runId), core);
  }

  /**
   * All of the project's runs, newest first, {@value RunQuery#DEFAULT_PER_PAGE} per page request.
   *
   * @return a cold, demand-paged listing
   * @see #runs(RunQuery)
   */
  public Flux<RunInfo> runs() {
    return runs(RunQuery.DEFAULT);
  }

  /**
   * The runs a query selects, in its order. Pages are fetched as downstream demand needs them: a
   * subscriber that requests one run causes one page request, and the next page is asked for once
   * the last run of the current one has been emitted. Fails with {@link
   * dev.wandb4j.error.WandbNotFoundException} if the project does not exist.
   *
   * <p>W&amp;B's cursors are positions in the ordered listing: runs created while a listing pages
   * through {@code -created_at} shift later pages (a run may then be listed twice); list oldest
   * first ({@code +created_at}) when runs are being created.
   *
   * @param query which runs, in which order, and the page size
   * @return a cold listing
   */
  public Flux<RunInfo> runs(RunQuery query) {
    return runPages(query, null).concatMap(page -> Flux.fromIterable(page.runs()), 0);
  }

  /**
   * The listing as pages, starting after a cursor saved from an earlier {@link
   * RunPage#endCursor()}, or from the first page.
   *
   * @param query which runs, in which order, and the page size
   * @param cursor where to continue, or {@code null} for the first page
   * @return a cold sequence of pages, each fetched on demand
   */
  public Flux<RunPage> runPages(RunQuery query, String cursor) {
    Objects.requireNonNull(query, "query");
    return core.runs()
        .pages(
            path.entity(), path.project(), query.filters(), query.order(), query.perPage(), cursor)
        .map(this::toPage);
  }

  private RunPage toPage(RunPageData data) {
    List<RunInfo> runs = new ArrayList<>(data.runs().size());
    for (RunData r : data.runs()) {
      runs.add(new RunInfo(run(r.name()), r));
    }
    return new RunPage(runs, data.endCursor(), data.hasNextPage(), data.total());
  }

  /**
   * How many of the project's runs there are.
   *
   * @return the count
   */
  public Mono<Long> runCount() {
    return runCount(RunQuery.DEFAULT);
  }

  /**
   * How many of the project's runs a query's filter selects (W&amp;B's {@code runCount}, which,
   * unlike a run's {@code fileCount}, takes the filter).
   *
   * @param query which runs
   * @return the count
   */
  public Mono<Long> runCount(RunQuery query) {
    Objects.requireNonNull(query, "query");
    return core.runs().count(path.entity(), path.project(), query.filters());
  }

  /**
   * Downloads the files of every run a query selects into {@code root/<runId>/<file name>}, at most
   * {@code concurrency} at a time across all runs.
   *
   * @param root the folder to download into
   * @param runs which runs
   * @param files which files of each run
   * @param options how each file is treated
   * @param concurrency files in flight at once, from 1 to 1024
   * @return one result per file, in completion order
   * @see #downloadAll(Path, RunQuery, FileQuery, DownloadOptions, int, Consumer)
   */
  public Flux<DownloadResult> downloadAll(
      Path root, RunQuery runs, FileQuery files, DownloadOptions options, int concurrency) {
    return downloadAll(root, runs, files, options, concurrency, null);
  }

  /**
   * Downloads the files of every run a query selects into {@code root/<runId>/<file name>}, at most
   * {@code concurrency} at a time across all runs, over the client's one connection pool, each file
   * as {@link File#download(Path, DownloadOptions)} does (atomic, verified, resumable).
   *
   * <p>Runs and files are listed as the downloads need them: the whole project is never held in
   * memory, and downloads start with the first run's first page. A run listed twice is downloaded
   * once. A file that fails is reported with its error and the others go on, unless {@code
   * failFast}; a run whose ID cannot be a folder name, and a listing that pages without end, end
   * the listing with a {@link dev.wandb4j.error.WandbException}. Each result's {@code file().run()}
   * says which run it belongs to.
   *
   * <p>With {@code sync}, running the same export again fetches only what is missing or changed:
   * each run folder keeps a journal of the files completed ({@code .wandb4j-journal}), and a file
   * recorded there that has not changed on disk is kept without being read again, so an interrupted
   * export of thousands of runs restarts at the cost of a listing. {@code verifyExisting} reads
   * every existing file instead.
   *
   * @param root the folder to download into; each run gets a folder named after its ID
   * @param runs which runs
   * @param files which files of each run
   * @param options how each file is treated
   * @param concurrency files in flight at once across all runs, from 1 to 1024
   * @param progress aggregate progress, whose totals grow as runs and files are listed; off the
   *     client's I/O threads, at most ten times a second and once at the end; or {@code null}
   * @return one result per file, in completion order
   */
  public Flux<DownloadResult> downloadAll(
      Path root,
      RunQuery runs,
      FileQuery files,
      DownloadOptions options,
      int concurrency,
      Consumer<BulkProgress> progress) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(runs, "runs");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(options, "options");
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("concurrency must be between 1 and 1024: " + concurrency);
    }
    // Several runs' listings go on at once, in order, so that listing keeps up with the downloads
    // when every request waits on the network, and a run over a finished export (where nothing is
    // downloaded) costs the listing at that pace: one at a time for one download at a time, one
    // more for every four downloads, up to sixteen.
    int listings = Math.max(1, Math.min(MAX_LISTINGS, concurrency / 4));
    // A run listed twice (runs created during the listing shift W&B's pages) is downloaded once:
    // twice would race two downloads of each of its files into the same folder.
    Flux<File> listing =
        runs(runs)
            .distinct(r -> r.path().runId())
            .flatMapSequential(r -> r.run().files(files), listings, LISTED_AHEAD);
    return BulkDownload.of(
        listing,
        f -> SafePaths.resolve(root, f.run().path().runId()),
        options,
        concurrency,
        progress);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Project && ((Project) o).path.equals(path) && ((Project) o).core == core;
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return "Project{" + path + "}";
  }
}
