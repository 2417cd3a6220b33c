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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

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

  /** Wraps every channel opened; tests use it to make the disk fail. */
  static volatile UnaryOperator<AsynchronousFileChannel> channels = UnaryOperator.identity();

  private final ExecutorService executor;

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
  }

  /**
   * {@code work} as a Mono that runs it on this pool when subscribed. Cancelling skips work that
   * has not started and never interrupts work that has (an interrupt would close the file channels
   * the work is using); a result that arrives after cancellation is discarded through Reactor's
   * discard hook, so that whoever created it can clean it up.
   */
  <T> Mono<T> call(Callable<T> work) {
    return Mono.create(
        sink -> {
          AtomicBoolean cancelled = new AtomicBoolean();
          sink.onCancel(() -> cancelled.set(true));
          executor.execute(
              () -> {
                if (cancelled.get()) {
                  return;
                }
                T value;
                try {
                  value = work.call();
                } catch (Throwable t) {
                  sink.error(t);
                  return;
                }
                sink.success(value);
              });
        });
  }

  /** Runs {@code work} on this pool, later. */
  void execute(Runnable work) {
    executor.execute(work);
  }

  /** Opens a channel whose reads and writes run on this pool. */
  AsynchronousFileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    return channels.apply(AsynchronousFileChannel.open(path, options, executor));
  }

  /** Threads currently alive in the pool. */
  int threads() {
    return ((ThreadPoolExecutor) executor).getPoolSize();
  }
}
