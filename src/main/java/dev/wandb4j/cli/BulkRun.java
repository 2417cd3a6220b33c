package dev.wandb4j.cli;

import dev.wandb4j.BulkProgress;
import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;

/**
 * Runs one bulk download for the command line: shows progress, prints a summary, and on Ctrl-C
 * closes the client, which stops what is in flight and completes once the part files are removed,
 * before exiting with 130.
 */
final class BulkRun {
  /** The longest wait for downloads in flight to remove their part files on Ctrl-C. */
  private static final Duration CLEANUP = Duration.ofSeconds(10);

  private final Main main;

  BulkRun(Main main) {
    this.main = main;
  }

  /** Downloads, prints the summary, and returns the exit code. */
  int download(
      WandbClient client,
      Run run,
      Path root,
      FileQuery query,
      DownloadOptions options,
      int concurrency)
      throws InterruptedException {
    ProgressPrinter printer = new ProgressPrinter(main.out, main.terminal, main.quiet);
    List<DownloadResult> results = new ArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    AtomicReference<BulkProgress> last = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    Disposable d =
        run.downloadAll(
                root,
                query,
                options,
                concurrency,
                p -> {
                  last.set(p);
                  printer.update(p);
                })
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
                main.err.println("Interrupted: downloads in flight were cancelled and cleaned up.");
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
    if (error.get() != null) {
      throw asRuntime(error.get());
    }
    return summarize(results, Duration.ofNanos(System.nanoTime() - start));
  }

  private int summarize(List<DownloadResult> results, Duration took) {
    long downloaded = 0;
    long bytes = 0;
    long skipped = 0;
    List<DownloadResult> failed = new ArrayList<>();
    for (DownloadResult r : results) {
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
    main.out.printf(
        "Downloaded %d files (%s) in %s, %s; %d already up to date; %d failed.%n",
        downloaded,
        Format.bytes(bytes),
        Format.duration(took),
        Format.rate(bytes / seconds),
        skipped,
        failed.size());
    main.out.flush();
    if (!failed.isEmpty()) {
      for (DownloadResult r : failed) {
        main.err.println("  FAILED " + r.file().name() + ": " + Main.oneLine(r.error()));
      }
      main.err.println("Run the same command again to retry the failed files.");
      main.err.flush();
      return Main.TRANSFER;
    }
    return Main.OK;
  }

  private static RuntimeException asRuntime(Throwable t) {
    return t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
  }
}
