package dev.wandb4j.cli;

import dev.wandb4j.BulkProgress;
import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import dev.wandb4j.UploadOptions;
import dev.wandb4j.UploadResult;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Runs one bulk download or upload for the command line: shows progress, prints a summary, and on
 * Ctrl-C closes the client, which stops what is in flight and completes once the part files are
 * removed, before exiting with 130.
 */
final class BulkRun {
  /** The longest wait for downloads in flight to remove their part files on Ctrl-C. */
  private static final Duration CLEANUP = Duration.ofSeconds(10);

  private final Main main;

  BulkRun(Main main) {
    this.main = main;
  }

  /** Downloads a run's files, prints the summary, and returns the exit code. */
  int download(
      WandbClient client,
      Run run,
      Path root,
      FileQuery query,
      DownloadOptions options,
      int concurrency,
      Requested requested)
      throws InterruptedException {
    return download(
        client,
        progress -> run.downloadAll(root, query, options, concurrency, progress),
        options,
        requested,
        run);
  }

  /**
   * Downloads what {@code start} downloads, with a progress line, prints the summary, and returns
   * the exit code.
   *
   * @param client the client, closed on Ctrl-C so that downloads in flight stop cleanly
   * @param starter starts the download, given the progress listener
   * @param options the options it was started with
   * @param requested what was asked for by name
   * @param run the run when one run is downloaded, for the names it does not have; else null
   */
  int download(
      WandbClient client,
      Function<Consumer<BulkProgress>, Flux<DownloadResult>> starter,
      DownloadOptions options,
      Requested requested,
      Run run)
      throws InterruptedException {
    Followed<DownloadResult> f =
        follow(client, starter, "Interrupted: downloads in flight were cancelled and cleaned up.");
    List<DownloadResult> results = f.results();
    Throwable e = f.error();
    boolean stopped = false;
    if (e != null) {
      // With --fail-fast the error is that of the failed file, which is among the results.
      stopped = options.failFast() && results.stream().anyMatch(r -> r.error() == e);
      if (!stopped) {
        throw asRuntime(e);
      }
    }
    Set<String> missing = requested.names();
    for (DownloadResult r : results) {
      missing.remove(r.file().name());
    }
    if (results.isEmpty() && missing.isEmpty()) {
      main.out.println(run == null ? requested.nothingInProject() : requested.nothing(run));
      main.out.flush();
      return Main.OK;
    }
    int code = results.isEmpty() ? Main.OK : summarize(results, options, f.took(), stopped);
    return run == null ? code : requested.reportMissing(main, missing, run, code);
  }

  /** What a bulk transfer gave: its results, the error that ended it if any, and its duration. */
  private record Followed<R>(List<R> results, Throwable error, Duration took) {}

  /**
   * Runs a bulk transfer with a progress line until it ends. On Ctrl-C the client is closed, which
   * stops what is in flight and lets it clean up, and the process exits with 130.
   */
  private <R> Followed<R> follow(
      WandbClient client, Function<Consumer<BulkProgress>, Flux<R>> starter, String interrupted)
      throws InterruptedException {
    ProgressPrinter printer =
        new ProgressPrinter(main.out, main.terminal, main.quiet, main.console.columns());
    List<R> results = new ArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    Disposable d =
        starter
            .apply(printer::update)
            .subscribe(
                r -> {
                  synchronized (results) {
                    results.add(r);
                  }
                },
                e -> {
                  error.set(e);
                  done.countDown();
                },
                done::countDown);
    Thread hook =
        new Thread(
            () -> {
              if (done.getCount() > 0) {
                // Closing first: downloads stopped by the client keep a part file that running
                // again can continue from; cancelled ones would remove theirs.
                client.closeAsync().block(CLEANUP);
                d.dispose();
                printer.finish();
                main.err.println(interrupted);
                main.err.flush();
                Runtime.getRuntime().halt(Main.INTERRUPTED);
              }
            },
            "wandb4j-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      done.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
    printer.finish();
    synchronized (results) {
      return new Followed<>(
          List.copyOf(results), error.get(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * Uploads what {@code starter} uploads, with a progress line, prints the summary, and returns the
   * exit code: 0 when every file is up to date, 5 when some failed; an error that ends the whole
   * upload (a run that does not exist, a refused key) is thrown for the command line to report.
   */
  int upload(
      WandbClient client,
      Function<Consumer<BulkProgress>, Flux<UploadResult>> starter,
      UploadOptions options,
      String nothing)
      throws InterruptedException {
    Followed<UploadResult> f =
        follow(
            client,
            starter,
            "Interrupted: uploads in flight were cancelled; storage keeps nothing of them.");
    List<UploadResult> results = f.results();
    Throwable e = f.error();
    boolean stopped = false;
    if (e != null) {
      stopped = options.failFast() && results.stream().anyMatch(r -> r.error() == e);
      if (!stopped) {
        throw asRuntime(e);
      }
    }
    if (results.isEmpty()) {
      main.out.println(nothing);
      main.out.flush();
      return Main.OK;
    }
    long uploaded = 0;
    long bytes = 0;
    long unchanged = 0;
    List<UploadResult> failed = new ArrayList<>();
    for (UploadResult r : results) {
      switch (r.status()) {
        case UPLOADED:
          uploaded++;
          bytes += r.bytes();
          break;
        case FAILED:
          failed.add(r);
          break;
        default:
          unchanged++;
      }
    }
    double seconds = Math.max(f.took().toNanos() / 1e9, 1e-9);
    StringBuilder summary =
        new StringBuilder("Uploaded ")
            .append(Format.count(uploaded, "file"))
            .append(" (")
            .append(Format.bytes(bytes))
            .append(") in ")
            .append(Format.duration(f.took()))
            .append(", ")
            .append(Format.rate(bytes / seconds));
    if (options.sync()) {
      summary.append("; ").append(unchanged).append(" already up to date");
    }
    summary.append("; ").append(failed.size()).append(" failed.");
    main.out.println(summary);
    main.out.flush();
    if (failed.isEmpty()) {
      return Main.OK;
    }
    long retryable = 0;
    for (UploadResult r : failed) {
      main.err.println(
          "  FAILED " + Names.escape(r.name()) + ": " + Names.escape(Main.oneLine(r.error())));
      if (r.error() instanceof WandbException && ((WandbException) r.error()).isRetryable()) {
        retryable++;
      }
    }
    if (stopped) {
      main.err.println(
          "Stopped at the first failure (--fail-fast): files not started were left alone.");
    }
    if (retryable > 0) {
      main.err.println(
          "Run the same command again with --sync to retry the "
              + Format.count(retryable, "file")
              + " that may succeed then (files W&B already has are skipped).");
    }
    main.err.flush();
    return Main.TRANSFER;
  }

  private int summarize(
      List<DownloadResult> results, DownloadOptions options, Duration took, boolean stopped) {
    long downloaded = 0;
    long bytes = 0;
    long skipped = 0;
    List<DownloadResult> failed = new ArrayList<>();
    Set<String> runs = new java.util.HashSet<>();
    for (DownloadResult r : results) {
      runs.add(r.file().run().path().runId());
      switch (r.status()) {
        case DOWNLOADED:
          downloaded++;
          bytes += r.bytes();
          break;
        case FAILED:
          failed.add(r);
          break;
        default:
          skipped++;
      }
    }
    double seconds = Math.max(took.toNanos() / 1e9, 1e-9);
    StringBuilder summary =
        new StringBuilder("Downloaded ")
            .append(Format.count(downloaded, "file"))
            .append(" (")
            .append(Format.bytes(bytes))
            .append(")")
            .append(runs.size() > 1 ? " of " + Format.count(runs.size(), "run") : "")
            .append(" in ")
            .append(Format.duration(took))
            .append(", ")
            .append(Format.rate(bytes / seconds));
    if (options.sync()) {
      summary.append("; ").append(skipped).append(" already up to date");
    } else if (options.existOk()) {
      summary.append("; ").append(skipped).append(" already there, kept unchecked");
    }
    summary.append("; ").append(failed.size()).append(" failed.");
    main.out.println(summary);
    main.out.flush();
    if (failed.isEmpty()) {
      return Main.OK;
    }
    long retryable = 0;
    for (DownloadResult r : failed) {
      String where = runs.size() > 1 ? r.file().run().path().runId() + "/" : "";
      main.err.println(
          "  FAILED "
              + Names.escape(where + r.file().name())
              + ": "
              + Names.escape(Main.oneLine(r.error())));
      if (r.error() instanceof WandbException && ((WandbException) r.error()).isRetryable()) {
        retryable++;
      }
    }
    if (stopped) {
      main.err.println(
          "Stopped at the first failure (--fail-fast): files not started were left alone.");
    }
    if (retryable > 0) {
      main.err.println(
          "Run the same command again to retry the "
              + Format.count(retryable, "file")
              + " that may succeed then (complete files are skipped).");
    }
    main.err.flush();
    return Main.TRANSFER;
  }

  private static RuntimeException asRuntime(Throwable t) {
    if (t instanceof RuntimeException) {
      return (RuntimeException) t;
    }
    return t instanceof IOException
        ? new java.io.UncheckedIOException((IOException) t)
        : new IllegalStateException(t);
  }
}
