package dev.wandb4j;

import dev.wandb4j.internal.CallbackLane;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/** Adds up one bulk transfer's progress and reports it at most ten times a second. */
final class BulkTracker {
  private static final long INTERVAL_NANOS = 100_000_000L;

  private final CallbackLane<BulkProgress> lane;
  private final long start = System.nanoTime();
  private final AtomicLong filesTotal = new AtomicLong();
  private final AtomicLong filesDone = new AtomicLong();
  private final AtomicLong filesFailed = new AtomicLong();
  private final AtomicLong bytesTotal = new AtomicLong();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicBoolean listingComplete = new AtomicBoolean();
  private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  private final Map<Object, Long> perFile = new ConcurrentHashMap<>();

  /** The last report, once made. Guarded by {@code this}. */
  private Mono<Void> last;

  BulkTracker(Consumer<BulkProgress> listener) {
    this.lane = listener == null ? null : new CallbackLane<>(listener);
  }

  void listed(File f) {
    listed(f.size());
  }

  /** A file of this size joins the work. */
  void listed(long size) {
    filesTotal.incrementAndGet();
    bytesTotal.addAndGet(size);
  }

  void listingDone() {
    listingComplete.set(true);
    report(false);
  }

  /** A file's own progress: adds what it wrote since its last report. */
  void written(File f, long written) {
    written(f.id(), written);
  }

  /** A file's own progress, from 0 again if it starts over: adds what changed since its last. */
  void written(Object key, long written) {
    long[] delta = {0};
    perFile.compute(
        key,
        (k, before) -> {
          if (before != null && before == FINISHED) {
            // A report delivered after the file's result: already counted.
            return before;
          }
          delta[0] = written - (before == null ? 0 : before);
          return written;
        });
    bytesDone.addAndGet(delta[0]);
    report(false);
  }

  /** Marks a file whose result is in, so that a late report of its progress is not counted. */
  private static final long FINISHED = Long.MIN_VALUE;

  void finished(DownloadResult r) {
    finished(
        r.file().id(),
        r.file().size(),
        r.bytes(),
        r.status() == DownloadResult.Status.DOWNLOADED,
        r.isFailed());
  }

  /**
   * A file is done: one transferred counts what it transferred, one skipped counts its whole size,
   * one that failed gives back what it had counted.
   */
  void finished(Object key, long size, long bytes, boolean transferred, boolean failed) {
    Long before = perFile.put(key, FINISHED);
    long counted = before == null || before == FINISHED ? 0 : before;
    if (!transferred) {
      bytesDone.addAndGet(failed ? -counted : size - counted);
    } else if (counted != bytes) {
      bytesDone.addAndGet(bytes - counted);
    }
    if (failed) {
      filesFailed.incrementAndGet();
    }
    filesDone.incrementAndGet();
    report(false);
  }

  /**
   * Reports progress at most ten times a second. Snapshots are counted and handed over one at a
   * time, so that none goes backwards, and delivered off the I/O threads.
   */
  void report(boolean force) {
    if (lane == null) {
      return;
    }
    if (!force) {
      long now = System.nanoTime();
      long before = lastReport.get();
      if (now - before < INTERVAL_NANOS || !lastReport.compareAndSet(before, now)) {
        return;
      }
    }
    synchronized (this) {
      lane.offer(snapshot(System.nanoTime()));
    }
  }

  /** Delivers the last report; completes once it has been, or at once without a listener. */
  Mono<Void> last() {
    if (lane == null) {
      return Mono.empty();
    }
    synchronized (this) {
      if (last == null) {
        last = lane.last(snapshot(System.nanoTime())).cache();
      }
      return last;
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
