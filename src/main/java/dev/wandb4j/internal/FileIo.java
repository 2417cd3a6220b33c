package dev.wandb4j.internal;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The threads that touch the file system for downloads: a part file's writes (as its channel's
 * executor), and the calls around them that may block (create directories, open, lock, close,
 * rename, delete).
 *
 * <p>One small pool does both so that a download hands its work between as few threads as possible:
 * the commit that follows the last write runs on the thread that completed that write, and the next
 * file is prepared on the thread that committed the last one. A pool as large as the number of
 * cores (at least two) keeps that many writes going at once, enough for the page cache, and a busy
 * thread takes queued work without being woken. The threads are daemons and end after a minute
 * without work, so an idle process keeps none. Shared by every client, as Reactor's schedulers are.
 */
final class FileIo {
  /** The pool downloads use. */
  static FileIo shared() {
    return Shared.INSTANCE;
  }

  private static final class Shared {
    static final FileIo INSTANCE =
        new FileIo(Math.max(2, Runtime.getRuntime().availableProcessors()), 60, TimeUnit.SECONDS);
  }

  private final ExecutorService executor;
  private final Scheduler scheduler;

  FileIo(int threads, long keepAlive, TimeUnit unit) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            keepAlive,
            unit,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "wandb4j-file-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
    this.scheduler = Schedulers.fromExecutorService(pool, "wandb4j-file");
  }

  /** {@code work} as a Mono that runs it on this pool when subscribed. */
  <T> Mono<T> call(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(scheduler);
  }

  /** Runs {@code work} on this pool, later. */
  void execute(Runnable work) {
    executor.execute(work);
  }

  /** Opens a channel whose reads and writes run on this pool. */
  AsynchronousFileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    return AsynchronousFileChannel.open(path, options, executor);
  }

  /** Threads currently alive in the pool. */
  int threads() {
    return ((ThreadPoolExecutor) executor).getPoolSize();
  }
}
