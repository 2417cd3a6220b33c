package dev.wandb4j;

import dev.wandb4j.internal.Journal;
import dev.wandb4j.internal.Outcome;
import dev.wandb4j.internal.SafePaths;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One bulk download, of a run or of a project: files as they are listed, at most {@code
 * concurrency} in flight, one result per file, aggregate progress, and {@code failFast}. Used by
 * one subscription.
 */
final class BulkDownload {
  /** Journals kept open at once; a project's runs are downloaded a few at a time. */
  private static final int OPEN_JOURNALS = 64;

  private final DownloadOptions options;
  private final Function<File, Path> folderOf;
  private final BulkTracker tracker;
  private final Map<Path, Journal> journals =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Journal> eldest) {
          if (size() > OPEN_JOURNALS) {
            eldest.getValue().close();
            return true;
          }
          return false;
        }
      };

  private BulkDownload(
      DownloadOptions options, Function<File, Path> folderOf, Consumer<BulkProgress> progress) {
    this.options = options;
    this.folderOf = folderOf;
    this.tracker = new BulkTracker(progress);
  }

  /**
   * Downloads files as they are listed.
   *
   * @param files the listing, subscribed once; it is cancelled at the first failure with {@code
   *     failFast}
   * @param folderOf the folder each file goes into (it may refuse a file by throwing)
   * @param options how each file is treated
   * @param concurrency files in flight at once
   * @param progress aggregate progress, or {@code null}
   */
  static Flux<DownloadResult> of(
      Flux<File> files,
      Function<File, Path> folderOf,
      DownloadOptions options,
      int concurrency,
      Consumer<BulkProgress> progress) {
    return Flux.defer(() -> new BulkDownload(options, folderOf, progress).run(files, concurrency));
  }

  private Flux<DownloadResult> run(Flux<File> files, int concurrency) {
    // failFast stops the listing and the downloads in flight; each of those removes its part file
    // before it ends, and the error follows once they all have.
    Sinks.Empty<Void> stop = Sinks.empty();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Flux<DownloadResult> results =
        files
            .takeUntilOther(stop.asMono())
            .doOnNext(tracker::listed)
            .doOnComplete(tracker::listingDone)
            .flatMap(f -> downloadOne(f, stop.asMono()), concurrency)
            .doOnNext(tracker::finished);
    if (options.failFast()) {
      results =
          results
              .<DownloadResult>handle(
                  (r, sink) -> {
                    if (failure.get() != null) {
                      return;
                    }
                    sink.next(r);
                    if (r.isFailed()) {
                      failure.set(r.error());
                      stop.tryEmitEmpty();
                    }
                  })
              .concatWith(
                  Mono.defer(
                      () -> failure.get() == null ? Mono.empty() : Mono.error(failure.get())));
    }
    // The last report precedes the end of the results, so that it is there when they are.
    return results
        .concatWith(Mono.defer(tracker::last).then(Mono.empty()))
        .onErrorResume(e -> tracker.last().onErrorResume(t -> Mono.empty()).then(Mono.error(e)))
        .doFinally(s -> closeJournals())
        .doOnCancel(() -> tracker.last().subscribe(null, t -> {}));
  }

  private Mono<DownloadResult> downloadOne(File f, Mono<Void> stop) {
    Path folder;
    try {
      folder = folderOf.apply(f);
    } catch (RuntimeException refused) {
      return Mono.just(new DownloadResult(f, DownloadResult.Status.FAILED, null, 0, refused));
    }
    return f.downloadOutcome(
            folder, options, written -> tracker.written(f, written), stop, journal(folder))
        .map(out -> new DownloadResult(f, status(out.kind()), out.path(), out.bytes(), null))
        .onErrorResume(
            e ->
                Mono.just(
                    new DownloadResult(f, DownloadResult.Status.FAILED, target(folder, f), 0, e)));
  }

  private Journal journal(Path folder) {
    if (!options.sync()) {
      return null;
    }
    synchronized (journals) {
      return journals.computeIfAbsent(folder.toAbsolutePath().normalize(), Journal::of);
    }
  }

  private void closeJournals() {
    synchronized (journals) {
      journals.values().forEach(Journal::close);
      journals.clear();
    }
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

  private static Path target(Path folder, File f) {
    try {
      return SafePaths.resolve(folder, f.name());
    } catch (RuntimeException refused) {
      return null;
    }
  }
}
