package dev.wandb4j;

import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.internal.ClientCore;
import dev.wandb4j.internal.FileData;
import dev.wandb4j.internal.FileDeletion;
import dev.wandb4j.internal.LocalFile;
import dev.wandb4j.internal.LocalTree;
import dev.wandb4j.internal.PageData;
import dev.wandb4j.internal.SafePaths;
import dev.wandb4j.internal.Uploads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
   * Deletes every file a query selects, {@value #DEFAULT_DELETE_BATCH_SIZE} per request.
   *
   * @param query which files
   * @return the number of files deleted
   * @see #deleteFiles(FileQuery, int)
   */
  public Mono<Long> deleteFiles(FileQuery query) {
    return deleteFiles(query, DEFAULT_DELETE_BATCH_SIZE);
  }

  /**
   * Deletes every file a query selects. The whole listing is read first, and only then are the
   * files deleted, by ID, one {@code deleteFiles} mutation per batch, as {@link
   * #deleteFiles(Publisher, int)} describes.
   *
   * <p>Why the listing comes first: W&amp;B's cursors are positions in the listing, so deleting
   * while listing would make each later page start past files that moved up, and leave them behind
   * without an error. A listing that ends before the first deletion sees every file whatever its
   * cursors mean. Listing again from the start after each batch, until nothing matches, would also
   * find every file, but it ends only when a listing comes back empty (a file W&amp;B goes on
   * listing after deleting it, or will not delete, would keep it going), and it deletes files added
   * meanwhile; listing first costs about as many requests, always ends, and deletes exactly the
   * files the query selected when the listing ran. Files added to the run after that are left
   * alone. (Another client deleting files of the same run while the listing runs can still make it
   * miss some, as with any listing.) A query that selects by an empty list of names deletes nothing
   * and sends nothing.
   *
   * @param query which files; its page size is the listing's
   * @param batchSize files per mutation, from 1 to 1000
   * @return the number of files deleted; on failure a {@link
   *     dev.wandb4j.error.WandbDeleteException} with the number deleted before it
   */
  public Mono<Long> deleteFiles(FileQuery query, int batchSize) {
    Objects.requireNonNull(query, "query");
    return deleteFiles(files(query), batchSize);
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
   * Deletes files in batches: one {@code deleteFiles} mutation per batch of files of one run,
   * batches sent one after another. W&amp;B may take hours to reflect deletions in storage usage.
   *
   * <p><b>The publisher is drained before the first deletion.</b> Its files are all received, and
   * their IDs and names kept (a few hundred bytes a file), before any mutation is sent, so the
   * deletions never interleave with a listing of the same run: W&amp;B's cursors are positions in
   * the listing, and a page requested after earlier files were deleted would start past files that
   * moved up and skip them. A file given twice is deleted once. If the publisher fails, nothing is
   * deleted and its error is passed on.
   *
   * <p><b>A mutation is never sent again blindly.</b> When its answer is lost (a timeout, a
   * connection closed after the request went out, a 5xx, a 429), the batch may or may not have been
   * deleted: the client waits as a retry would, looks up the batch's files by name, counts those
   * gone as deleted, and sends a new mutation for those still there only, up to the client's {@code
   * maxRetries} times. A mutation W&amp;B refuses (another 4xx, GraphQL errors, a deletion it does
   * not confirm) is not sent again.
   *
   * <p>On failure the error is a {@link dev.wandb4j.error.WandbDeleteException} whose {@link
   * dev.wandb4j.error.WandbDeleteException#deletedCount() deletedCount()} says how many files were
   * deleted before it (they stay deleted) and whose cause is the typed error that stopped it.
   *
   * @param files the files to delete
   * @param batchSize files per mutation, from 1 to 1000
   * @return the number of files deleted: those W&amp;B confirmed, and those found gone after a
   *     mutation whose answer was lost. A file of the publisher that someone else had already
   *     deleted counts too when W&amp;B confirms deleting its ID, as it does for IDs it no longer
   *     has.
   */
  public Mono<Long> deleteFiles(Publisher<File> files, int batchSize) {
    Objects.requireNonNull(files, "files");
    if (batchSize < 1 || batchSize > FileDeletion.MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "batchSize must be between 1 and " + FileDeletion.MAX_BATCH_SIZE + ": " + batchSize);
    }
    return Flux.from(files)
        .map(f -> new FileDeletion.Target(f.run().path(), f.data().projectId(), f.id(), f.name()))
        .collectList()
        .flatMap(
            targets ->
                targets.isEmpty()
                    ? Mono.just(0L)
                    : new FileDeletion(core.files(), core.http().settings())
                        .delete(targets, batchSize, "files of run " + path));
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
   * @param progress receives aggregate progress at most ten times a second and once at the end,
   *     before the results end; off the client's I/O threads, in order, one call at a time (a slow
   *     one is given the latest report when it returns); or {@code null}
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
    return BulkDownload.of(files(query), f -> root, options, concurrency, progress);
  }

  /**
   * Uploads a local file to the run under a name, replacing any file of that name.
   *
   * @param file the local file
   * @param name its name in the run, e.g. {@code eval/results.json}
   * @return the file as W&amp;B now lists it
   * @see #upload(Path, String, UploadOptions)
   */
  public Mono<File> upload(Path file, String name) {
    return upload(file, name, UploadOptions.DEFAULT);
  }

  /**
   * Uploads a local file to the run under a name, as W&amp;B's SDK does: a signed upload URL from
   * W&amp;B (from {@code createRunFiles}, or the legacy {@code RunUploadUrls} on servers without
   * it; which one is learnt once per client), then one {@code PUT} of the whole file to it,
   * carrying the headers W&amp;B asks for and never the API key. The body goes from the file to the
   * socket without a copy on the Java heap ({@code sendfile} over http, chunks read ahead from the
   * file over https) and at the pace the network takes it. A PUT that fails with a connection
   * error, a 5xx or a 429 is sent again from the start, with the client's retries and backoff; a
   * signed URL refused as expired is replaced once.
   *
   * <p>Then the upload is checked: W&amp;B must list the file with the local file's size and MD5
   * (computed from the file while it is sent), and the local file must not have changed meanwhile
   * (size, modification time, identity). W&amp;B may take a moment to record an upload, so the
   * listing is asked again with the client's backoff before a mismatch is reported. A link named as
   * {@code file} is followed: the caller chose it.
   *
   * <p>Errors: a {@link WandbTransferException} for a name that could not be written back safely
   * (absolute, {@code ..}, control characters and the rest that downloads refuse), a file that is
   * missing, a folder or not a regular file, a file that changed while it was uploaded, or an
   * upload W&amp;B does not list intact; a {@link dev.wandb4j.error.WandbNotFoundException} if the
   * run does not exist; the transport's typed errors once retries are used up.
   *
   * @param file the local file
   * @param name its name in the run
   * @param options with {@code sync}, a file W&amp;B already lists with the same size and MD5 is
   *     left alone (and returned as it is listed)
   * @return the file as W&amp;B now lists it
   */
  public Mono<File> upload(Path file, String name, UploadOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    return Mono.fromCallable(
            () -> {
              String why = SafePaths.problem(name);
              if (why != null) {
                throw new WandbTransferException(
                    "Refused to upload " + file + " as '" + SafePaths.printable(name) + "': " + why,
                    null,
                    false);
              }
              return new Uploads.Candidate(file, name, LocalFile.of(file, name, true), null);
            })
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(c -> core.uploads().one(path, c, options.sync(), (f, bytes) -> {}))
        .map(o -> new File(o.file(), this));
  }

  /**
   * Uploads every file under a folder, at most {@code concurrency} at a time.
   *
   * @param root the folder; each file is named by its path under it
   * @param options how files are treated
   * @param concurrency files in flight at once, from 1 to 1024
   * @return one result per file, in completion order
   * @see #uploadAll(Path, Publisher, UploadOptions, int, Consumer)
   */
  public Flux<UploadResult> uploadAll(Path root, UploadOptions options, int concurrency) {
    return uploadAll(root, options, concurrency, null);
  }

  /**
   * Uploads every file under a folder, at most {@code concurrency} at a time, reporting aggregate
   * progress.
   *
   * @param root the folder; each file is named by its path under it
   * @param options how files are treated
   * @param concurrency files in flight at once, from 1 to 1024
   * @param progress aggregate progress, as for {@link #downloadAll(Path, FileQuery,
   *     DownloadOptions, int, Consumer)}; or {@code null}
   * @return one result per file, in completion order
   * @see #uploadAll(Path, Publisher, UploadOptions, int, Consumer)
   */
  public Flux<UploadResult> uploadAll(
      Path root, UploadOptions options, int concurrency, Consumer<BulkProgress> progress) {
    return uploadAll(root, Flux.just(root), options, concurrency, progress);
  }

  /**
   * Uploads files and folders under a root, at most {@code concurrency} files at a time, with one
   * result per file and aggregate progress. Each file is uploaded and checked as {@link
   * #upload(Path, String, UploadOptions)} does; a file that fails is reported with its error and
   * the others go on, unless {@code failFast}. Upload URLs (and with {@code sync} what W&amp;B
   * lists under the same names) are asked for 100 files at a time, just before they are sent; the
   * uploads start with the first files found.
   *
   * <p>Each file is named by its path under {@code root}, with {@code /} between segments, after
   * {@link UploadOptions#namePrefix()}. Folders are walked to any depth. Symbolic links under the
   * root are not followed, to files or to folders, so that nothing outside the root is sent: each
   * is reported as a failed file that says so, as are pipes and other special files, unreadable
   * folders, paths outside the root and names that downloads would refuse. The client's own files
   * (part files and journals of downloads, whose names hold {@code .wandb4j-}) are left out.
   *
   * @param root the folder names are relative to; it must exist
   * @param paths files and folders under {@code root} (absolute, or relative to the working
   *     folder), subscribed once
   * @param options how files are treated
   * @param concurrency files in flight at once, from 1 to 1024
   * @param progress aggregate progress at most ten times a second and once at the end, off the
   *     client's I/O threads, in order, one call at a time; or {@code null}
   * @return one result per file, in completion order; an error if {@code root} is not a folder
   */
  public Flux<UploadResult> uploadAll(
      Path root,
      Publisher<Path> paths,
      UploadOptions options,
      int concurrency,
      Consumer<BulkProgress> progress) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(options, "options");
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("concurrency must be between 1 and 1024: " + concurrency);
    }
    Mono<Path> folder =
        Mono.fromCallable(
                () -> {
                  if (!Files.isDirectory(root)) {
                    throw new WandbTransferException(
                        "Cannot upload from "
                            + root
                            + ": "
                            + (Files.exists(root)
                                ? "it is not a folder"
                                : "there is no such folder"),
                        null,
                        false);
                  }
                  return root;
                })
            .subscribeOn(Schedulers.boundedElastic());
    return folder.flatMapMany(
        r ->
            BulkUpload.of(
                this,
                Flux.from(paths).concatMap(p -> LocalTree.walk(r, p, options.namePrefix())),
                options,
                concurrency,
                progress));
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
