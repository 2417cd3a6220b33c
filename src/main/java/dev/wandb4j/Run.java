package dev.wandb4j;

import dev.wandb4j.internal.ClientCore;
import dev.wandb4j.internal.FileData;
import dev.wandb4j.internal.Outcome;
import dev.wandb4j.internal.PageData;
import dev.wandb4j.internal.SafePaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A handle on one W&amp;B run. Creating it sends nothing; each method returns a cold publisher that
 * sends its requests when subscribed, and starts afresh on every subscription.
 */
public final class Run {
  /** Files deleted per request by {@link #deleteFiles(Publisher)}: {@value}. */
  public static final int DEFAULT_DELETE_BATCH_SIZE = 100;

  private final RunPath path;
  private final ClientCore core;

  Run(RunPath path, ClientCore core) {
    this.path = path;
    this.core = core;
  }

  /**
   * The run's path.
   *
   * @return entity, project and run ID
   */
  public RunPath path() {
    return path;
  }

  /**
   * All of the run's files, {@value FileQuery#DEFAULT_PER_PAGE} per page request.
   *
   * @return a cold, demand-paged listing
   * @see #files(FileQuery)
   */
  public Flux<File> files() {
    return files(FileQuery.DEFAULT);
  }

  /**
   * The run's files that a query selects. Pages are fetched as downstream demand needs them: a
   * subscriber that requests one file causes one page request, and the next page is requested only
   * once the files already fetched are consumed. Cancelling stops paging.
   *
   * <p>Fails with {@link dev.wandb4j.error.WandbNotFoundException} if the run does not exist; a run
   * without files gives an empty listing, and so does a query that selects by an empty list of
   * names, without a request.
   *
   * @param query which files, and the page size
   * @return a cold listing
   */
  public Flux<File> files(FileQuery query) {
    // No prefetch: the next page is requested only once the files of the current one have all
    // been emitted. flatMapIterable(..., 1) would already ask for it when it starts on a page.
    return filePages(query).concatMap(page -> Flux.fromIterable(page.files()), 0);
  }

  /**
   * The listing as pages, from the first.
   *
   * @param query which files, and the page size
   * @return a cold sequence of pages, each fetched on demand
   */
  public Flux<FilePage> filePages(FileQuery query) {
    return filePages(query, null);
  }

  /**
   * The listing as pages, starting after a cursor saved from an earlier {@link
   * FilePage#endCursor()}. A listing that comes back with a page claiming more files but giving
   * none, or a cursor it gave before, fails with a {@link dev.wandb4j.error.WandbException} instead
   * of looping.
   *
   * @param query which files, and the page size
   * @param cursor where to continue, or {@code null} for the first page
   * @return a cold sequence of pages, each fetched on demand
   */
  public Flux<FilePage> filePages(FileQuery query, String cursor) {
    Objects.requireNonNull(query, "query");
    if (query.selectsByName() && query.names().isEmpty()) {
      // An empty list of names selects no file; W&B would read it as no filter at all.
      return Flux.empty();
    }
    return core.files()
        .pages(path, query.names(), query.pattern(), query.perPage(), query.upload(), cursor)
        .map(this::toPage);
  }

  private FilePage toPage(PageData data) {
    List<File> files = new ArrayList<>(data.files().size());
    for (FileData f : data.files()) {
      files.add(new File(f, this));
    }
    return new FilePage(files, data.endCursor(), data.hasNextPage());
  }

  /**
   * The number of files in the run: W&amp;B's {@code fileCount}, which counts all of the run's
   * files and takes no filter, so it is not the size of a filtered listing.
   *
   * @return the count
   */
  public Mono<Long> fileCount() {
    return core.files().fileCount(path);
  }

  /**
   * One file by its exact name, e.g. {@code media/images/a.png}.
   *
   * @param name the file's name inside the run
   * @return the file; {@link dev.wandb4j.error.WandbNotFoundException} if the run has no such file
   *     (W&amp;B answers a missing name with a placeholder whose md5 is {@code "0"}; it is treated
   *     as missing here and left out of listings by name)
   */
  public Mono<File> file(String name) {
    Objects.requireNonNull(name, "name");
    return core.files().file(path, name).map(f -> new File(f, this));
  }

  /**
   * Deletes files, {@value #DEFAULT_DELETE_BATCH_SIZE} per request.
   *
   * @param files the files to delete, e.g. a filtered {@link #files(FileQuery)}
   * @return the number of files deleted
   * @see #deleteFiles(Publisher, int)
   */
  public Mono<Long> deleteFiles(Publisher<File> files) {
    return deleteFiles(files, DEFAULT_DELETE_BATCH_SIZE);
  }

  /**
   * Deletes files in batches: one {@code deleteFiles} mutation per batch, batches sent one after
   * another. A failed batch ends the operation with its error; batches sent before it stay deleted.
   * W&amp;B may take hours to reflect deletions in storage usage.
   *
   * @param files the files to delete
   * @param batchSize files per mutation, from 1 to 1000
   * @return the number of files deleted
   */
  public Mono<Long> deleteFiles(Publisher<File> files, int batchSize) {
    Objects.requireNonNull(files, "files");
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("batchSize must be between 1 and 1000: " + batchSize);
    }
    return Flux.from(files).buffer(batchSize).concatMap(this::deleteBatch).reduce(0L, Long::sum);
  }

  private Flux<Long> deleteBatch(List<File> batch) {
    Map<Long, List<String>> byProject = new LinkedHashMap<>();
    for (File f : batch) {
      byProject.computeIfAbsent(f.data().projectId(), k -> new ArrayList<>()).add(f.id());
    }
    return Flux.fromIterable(byProject.entrySet())
        .concatMap(
            e ->
                core.files()
                    .delete(
                        e.getValue(),
                        e.getKey(),
                        e.getValue().size() == 1
                            ? "file " + e.getValue().get(0) + " of run " + path
                            : e.getValue().size() + " files of run " + path));
  }

  /**
   * Downloads every file a query selects into {@code root}, at most {@code concurrency} at a time,
   * over the client's one connection pool.
   *
   * @param root the folder to download into
   * @param query which files
   * @param options how each file is treated; {@code failFast} ends the whole download at the first
   *     failure
   * @param concurrency files in flight at once, from 1 to 1024
   * @return one result per file, in completion order
   * @see #downloadAll(Path, FileQuery, DownloadOptions, int, Consumer)
   */
  public Flux<DownloadResult> downloadAll(
      Path root, FileQuery query, DownloadOptions options, int concurrency) {
    return downloadAll(root, query, options, concurrency, null);
  }

  /**
   * Downloads every file a query selects, reporting aggregate progress. Each file is downloaded as
   * {@link File#download(Path, DownloadOptions)} does (atomic, verified, resumable); a file that
   * fails is reported with its error and the others go on, unless {@code failFast}. With {@code
   * sync}, files that are already there with the same size and MD5 are skipped, so running the same
   * download again fetches only what changed. The listing streams: downloads start with the first
   * page.
   *
   * @param root the folder to download into
   * @param query which files
   * @param options how each file is treated
   * @param concurrency files in flight at once, from 1 to 1024
   * @param progress receives aggregate progress at most ten times a second and once at the end, on
   *     I/O threads; or {@code null}
   * @return one result per file, in completion order
   */
  public Flux<DownloadResult> downloadAll(
      Path root,
      FileQuery query,
      DownloadOptions options,
      int concurrency,
      Consumer<BulkProgress> progress) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(options, "options");
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("concurrency must be between 1 and 1024: " + concurrency);
    }
    return Flux.defer(
        () -> {
          BulkTracker tracker = new BulkTracker(progress);
          Flux<DownloadResult> results =
              files(query)
                  .doOnNext(tracker::listed)
                  .doOnComplete(tracker::listingDone)
                  .flatMap(f -> downloadOne(f, root, options, tracker), concurrency)
                  .doOnNext(tracker::finished);
          if (options.failFast()) {
            results =
                results.handle(
                    (r, sink) -> {
                      sink.next(r);
                      if (r.isFailed()) {
                        sink.error(r.error());
                      }
                    });
          }
          // The last report precedes the end of the results, so that it is there when they are.
          return results
              .doOnTerminate(() -> tracker.report(true))
              .doOnCancel(() -> tracker.report(true));
        });
  }

  private Mono<DownloadResult> downloadOne(
      File f, Path root, DownloadOptions options, BulkTracker tracker) {
    Consumer<DownloadProgress> own = options.progress();
    DownloadOptions perFile =
        options.toBuilder()
            .progress(
                p -> {
                  tracker.written(f, p.bytesWritten());
                  if (own != null) {
                    own.accept(p);
                  }
                })
            .build();
    return f.downloadOutcome(root, perFile)
        .map(out -> new DownloadResult(f, status(out.kind()), out.path(), out.bytes(), null))
        .onErrorResume(
            e ->
                Mono.just(
                    new DownloadResult(f, DownloadResult.Status.FAILED, target(root, f), 0, e)));
  }

  private static DownloadResult.Status status(Outcome.Kind kind) {
    switch (kind) {
      case EXISTED:
        return DownloadResult.Status.SKIPPED_EXISTS;
      case UNCHANGED:
        return DownloadResult.Status.SKIPPED_UNCHANGED;
      default:
        return DownloadResult.Status.DOWNLOADED;
    }
  }

  private static Path target(Path root, File f) {
    try {
      return SafePaths.resolve(root, f.name());
    } catch (RuntimeException refused) {
      return null;
    }
  }

  ClientCore core() {
    return core;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Run && ((Run) o).path.equals(path) && ((Run) o).core == core;
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return "Run{" + path + "}";
  }
}
