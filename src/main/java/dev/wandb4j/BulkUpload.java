package dev.wandb4j;

import dev.wandb4j.internal.ClientCore;
import dev.wandb4j.internal.Uploads;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One bulk upload to a run: local files as they are found, at most {@code concurrency} in flight,
 * one result per file, aggregate progress, and {@code failFast}. Used by one subscription.
 */
final class BulkUpload {
  private final Run run;
  private final UploadOptions options;
  private final BulkTracker tracker;

  private BulkUpload(Run run, UploadOptions options, Consumer<BulkProgress> progress) {
    this.run = run;
    this.options = options;
    this.tracker = new BulkTracker(progress);
  }

  /**
   * Uploads files as they are found.
   *
   * @param run the run
   * @param candidates the local files, subscribed once; cancelled at the first failure with {@code
   *     failFast}
   * @param options how files are treated
   * @param concurrency files in flight at once
   * @param progress aggregate progress, or {@code null}
   */
  static Flux<UploadResult> of(
      Run run,
      Flux<Uploads.Candidate> candidates,
      UploadOptions options,
      int concurrency,
      Consumer<BulkProgress> progress) {
    return Flux.defer(() -> new BulkUpload(run, options, progress).run(candidates, concurrency));
  }

  private Flux<UploadResult> run(Flux<Uploads.Candidate> candidates, int concurrency) {
    Sinks.Empty<Void> stop = Sinks.empty();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ClientCore core = run.core();
    Flux<UploadResult> results =
        core.uploads()
            .many(
                run.path(),
                candidates
                    .takeUntilOther(stop.asMono())
                    .doOnNext(c -> tracker.listed(c.file() == null ? 0 : c.file().size()))
                    .doOnComplete(tracker::listingDone),
                options.sync(),
                concurrency,
                (c, bytes) -> tracker.written(c, bytes),
                stop.asMono())
            .map(this::finished);
    if (options.failFast()) {
      results =
          results
              .<UploadResult>handle(
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
    return results
        .concatWith(Mono.defer(tracker::last).then(Mono.empty()))
        .onErrorResume(e -> tracker.last().onErrorResume(t -> Mono.empty()).then(Mono.error(e)))
        .doOnCancel(() -> tracker.last().subscribe(null, t -> {}));
  }

  /** The result of a finished file, counted by the tracker. */
  private UploadResult finished(Uploads.Outcome o) {
    Uploads.Candidate c = o.candidate();
    UploadResult.Status status =
        switch (o.kind()) {
          case UPLOADED -> UploadResult.Status.UPLOADED;
          case UNCHANGED -> UploadResult.Status.SKIPPED_UNCHANGED;
          case FAILED -> UploadResult.Status.FAILED;
        };
    long size = c.file() == null ? 0 : c.file().size();
    tracker.finished(
        c,
        size,
        o.bytes(),
        status == UploadResult.Status.UPLOADED,
        status == UploadResult.Status.FAILED);
    return new UploadResult(
        c.path(),
        c.name(),
        status,
        o.file() == null ? null : new File(o.file(), run),
        o.bytes(),
        o.error());
  }
}
