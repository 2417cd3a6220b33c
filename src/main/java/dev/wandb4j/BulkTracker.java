package dev.wandb4j;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Adds up one bulk download's progress and reports it at most ten times a second. */
final class BulkTracker {
  private static final long INTERVAL_NANOS = 100_000_000L;

  private final Consumer<BulkProgress> listener;
  private final long start = System.nanoTime();
  private final AtomicLong filesTotal = new AtomicLong();
  private final AtomicLong filesDone = new AtomicLong();
  private final AtomicLong filesFailed = new AtomicLong();
  private final AtomicLong bytesTotal = new AtomicLong();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicBoolean listingComplete = new AtomicBoolean();
  private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  private final Map<String, Long> perFile = new ConcurrentHashMap<>();

  /** Whether the last report has been made. Guarded by {@code this}. */
  private boolean closed;

  BulkTracker(Consumer<BulkProgress> listener) {
    this.listener = listener;
  }

  void listed(File f) {
    filesTotal.incrementAndGet();
    bytesTotal.addAndGet(f.size());
  }

  void listingDone() {
    listingComplete.set(true);
    report(false);
  }

  /** A file's own progress: adds what it wrote since its last report. */
  void written(File f, long written) {
    Long before = perFile.put(f.id(), written);
    bytesDone.addAndGet(written - (before == null ? 0 : before));
    report(false);
  }

  void finished(DownloadResult r) {
    Long before = perFile.remove(r.file().id());
    if (r.status() != DownloadResult.Status.DOWNLOADED) {
      // Skipped files count as done; failed ones give back what they had written.
      long delta =
          r.isFailed()
              ? -(before == null ? 0 : before)
              : r.file().size() - (before == null ? 0 : before);
      bytesDone.addAndGet(delta);
    } else if (before == null || before != r.bytes()) {
      bytesDone.addAndGet(r.bytes() - (before == null ? 0 : before));
    }
    if (r.isFailed()) {
      filesFailed.incrementAndGet();
    }
    filesDone.incrementAndGet();
    report(false);
  }

  /**
   * Reports progress: at most ten times a second, or now and for the last time when {@code last}.
   * Reports are made one at a time, each counting from where the one before it stopped, so they
   * never go backwards, and none follows the last.
   */
  void report(boolean last) {
    if (listener == null) {
      return;
    }
    if (!last) {
      long now = System.nanoTime();
      long before = lastReport.get();
      if (now - before < INTERVAL_NANOS || !lastReport.compareAndSet(before, now)) {
        return;
      }
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = last;
      listener.accept(snapshot(System.nanoTime()));
    }
  }

  BulkProgress snapshot(long now) {
    return new BulkProgress(
        filesDone.get(),
        filesTotal.get(),
        filesFailed.get(),
        bytesDone.get(),
        bytesTotal.get(),
        listingComplete.get(),
        Duration.ofNanos(now - start));
  }
}
