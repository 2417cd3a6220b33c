package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbTransferException;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * One download of one file to disk: writes {@code <name>.part} beside the target through an {@link
 * AsynchronousFileChannel}, resumes after broken connections, verifies size and MD5, and moves the
 * part file into place atomically. On error or cancel the part file is closed and removed. Used
 * once, by one subscription.
 */
final class FileTransfer extends Downloader.ResumeState {
  /** Buffers written at once; more are requested only as writes complete. */
  static final int MAX_IN_FLIGHT = 4;

  private static final Set<StandardOpenOption> PART_OPTIONS =
      EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE);

  /** The shortest interval between two progress reports. */
  static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

  private final Downloader downloader;
  private final FileData file;
  private final Path root;
  private final DownloadSpec spec;
  private final MessageDigest md5;

  /** Whether there is an MD5 to check: without one, no digest is computed or even created. */
  private final boolean digesting;

  private Path target;
  private Path part;
  private AsynchronousFileChannel channel;
  private FileLock lock;
  private boolean createdPart;
  private boolean aborted;
  private boolean committed;

  /** Bytes accepted into the file (digested, written or being written). */
  private long position;

  /** Bytes whose writes have completed. */
  private long written;

  private long lastProgressNanos;
  private final Object progressLock = new Object();

  /** Digests buffers in order on Reactor's parallel scheduler, beside the writes. */
  private final Digester digester = new Digester();

  FileTransfer(
      Downloader downloader,
      FileData file,
      String runLabel,
      Path root,
      DownloadSpec spec,
      Supplier<Mono<FileData>> refresh) {
    super(file, Downloader.describe(file, runLabel), refresh);
    this.downloader = downloader;
    this.file = file;
    this.root = root;
    this.spec = spec;
    this.digesting = spec.verifyChecksum() && file.md5() != null && !file.md5().isBlank();
    this.md5 = digesting ? newMd5() : null;
  }

  static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  Mono<Outcome> run() {
    FileIo io = FileIo.shared();
    // With sync, preparing may hash a large existing file: that runs where it cannot hold up the
    // small pool's writes for other downloads.
    Mono<Optional<Outcome>> prepared =
        spec.sync()
            ? Mono.fromCallable(this::prepare).subscribeOn(Schedulers.boundedElastic())
            : io.call(this::prepare);
    return prepared
        .flatMap(
            existing ->
                existing.isPresent()
                    ? Mono.just(existing.get())
                    : Mono.defer(this::attempt)
                        .retryWhen(downloader.retryPolicy(this))
                        .onErrorMap(e -> Downloader.exhausted(e, this, progress()))
                        .then(io.call(this::commit)))
        .onErrorResume(
            e ->
                io.call(
                        () -> {
                          downloader.events().failed(WandbClientListener.Operation.DOWNLOAD, e);
                          abort();
                          return null;
                        })
                    .then(Mono.error(e)))
        .doOnCancel(() -> io.execute(this::abort));
  }

  @Override
  synchronized long progress() {
    return written;
  }

  /**
   * Checks the name and the target, and opens the part file; returns an existing target to keep.
   */
  private Optional<Outcome> prepare() throws IOException {
    target = SafePaths.resolve(root, file.name());
    BasicFileAttributes present = attributesOrNull(target);
    if (present != null && present.isDirectory()) {
      throw new WandbTransferException(
          "Cannot download " + what + " to " + target + ": a directory is in the way");
    }
    boolean exists = present != null;
    if (exists && spec.sync() && unchanged(target)) {
      return Optional.of(new Outcome(target, Outcome.Kind.UNCHANGED, 0));
    }
    if (exists && !spec.replace() && !spec.sync()) {
      if (spec.existOk()) {
        return Optional.of(new Outcome(target, Outcome.Kind.EXISTED, 0));
      }
      throw new FileAlreadyExistsException(
          target.toString(), null, "already exists; download with replace or existOk");
    }
    Path base = root.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(target.getParent())) {
        Files.createDirectories(target.getParent());
      }
      Path realBase = base.toRealPath();
      if (!target.getParent().toRealPath().startsWith(realBase)) {
        throw new WandbTransferException(
            "Refused to download "
                + what
                + ": a symbolic link under the download root leads outside it");
      }
      part = target.resolveSibling(target.getFileName() + ".part");
      AsynchronousFileChannel ch = FileIo.shared().open(part, PART_OPTIONS);
      boolean cancelled;
      synchronized (this) {
        cancelled = aborted;
        if (!cancelled) {
          channel = ch;
          createdPart = true;
        }
      }
      if (cancelled) {
        // Cancelled while the part file was being opened: abort() has already run and found
        // nothing to remove, so remove it here.
        ch.close();
        Files.deleteIfExists(part);
        throw new WandbTransferException("Download of " + what + " was cancelled");
      }
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        synchronized (this) {
          createdPart = false;
        }
        throw new WandbTransferException(
            "Another download of " + what + " into " + target.getParent() + " is in progress");
      }
      ch.truncate(0);
    } catch (WandbException e) {
      throw e;
    } catch (IOException e) {
      throw Downloader.diskError(part == null ? target : part, e);
    }
    return Optional.empty();
  }

  /**
   * What is at {@code path} itself (a link is not followed), or {@code null} if nothing is: one
   * look-up where {@code isDirectory} and {@code exists} would make two, each throwing inside the
   * JDK when the answer is no.
   */
  private static BasicFileAttributes attributesOrNull(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw Downloader.diskError(path, e);
    }
  }

  /** One request, from the bytes already written, streamed into the part file. */
  private Mono<Void> attempt() {
    long offset;
    synchronized (this) {
      offset = written;
    }
    if (attempts++ > 0 && expectedSize >= 0 && offset == expectedSize) {
      return Mono.empty();
    }
    return Mono.create(
        sink -> {
          ChannelSink writer = new ChannelSink(sink);
          sink.onCancel(writer::cancel);
          downloader
              .http()
              .get(
                  url,
                  offset,
                  offset > 0 ? validator : null,
                  res -> {
                    if (checkHeaders(res, offset, what) == 0 && offset > 0) {
                      restart();
                    }
                  },
                  what)
              .subscribe(writer);
        });
  }

  /** The server sent the whole body again: start the file over. */
  private synchronized void restart() {
    position = 0;
    written = 0;
    if (md5 != null) {
      md5.reset();
    }
  }

  /** Whether a local file already has this file's size and MD5. */
  private boolean unchanged(Path local) throws IOException {
    if (!Files.isRegularFile(local, LinkOption.NOFOLLOW_LINKS)
        || expectedSize < 0
        || Files.size(local) != expectedSize
        || file.md5() == null
        || file.md5().isBlank()) {
      return false;
    }
    MessageDigest digest = newMd5();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(local)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
      while (ch.read(buf) > 0) {
        buf.flip();
        digest.update(buf);
        buf.clear();
      }
    }
    return matches(digest.digest(), file.md5().strip());
  }

  static boolean matches(byte[] digest, String expected) {
    boolean hex = expected.length() == 32 && expected.matches("[0-9a-fA-F]{32}");
    return hex
        ? HexFormat.of().formatHex(digest).equalsIgnoreCase(expected)
        : Base64.getEncoder().encodeToString(digest).equals(expected);
  }

  private Outcome commit() throws IOException {
    AsynchronousFileChannel ch;
    long size;
    byte[] digest;
    synchronized (this) {
      if (aborted) {
        throw new WandbTransferException("Download of " + what + " was cancelled");
      }
      ch = channel;
      size = written;
      digest = md5 == null ? null : md5.digest();
    }
    if (expectedSize >= 0 && size != expectedSize) {
      throw Downloader.sizeMismatch(what, expectedSize, size);
    }
    if (digesting) {
      String expected = file.md5().strip();
      if (!matches(digest, expected)) {
        String actual = Base64.getEncoder().encodeToString(digest);
        throw new WandbTransferException(
            "MD5 mismatch for " + what + ": expected " + expected + ", got " + actual, null, true);
      }
    }
    try {
      if (ch.size() > size) {
        ch.truncate(size);
      }
      releaseLock();
      ch.close();
      synchronized (this) {
        channel = null;
        if (aborted) {
          throw new WandbTransferException("Download of " + what + " was cancelled");
        }
      }
      if (!spec.replace() && !spec.sync() && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            target.toString(), null, "appeared during the download; use replace or existOk");
      }
      try {
        Files.move(
            part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
      synchronized (this) {
        committed = true;
      }
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw Downloader.diskError(target, e);
    }
    if (spec.progress() != null) {
      spec.progress().update(size, expectedSize >= 0 ? expectedSize : size);
    }
    return new Outcome(target, Outcome.Kind.DOWNLOADED, size);
  }

  private void releaseLock() {
    FileLock l = lock;
    lock = null;
    if (l != null && l.isValid()) {
      try {
        l.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
    }
  }

  /** Closes the part file and deletes it, unless the download already completed. */
  private void abort() {
    AsynchronousFileChannel ch;
    boolean delete;
    synchronized (this) {
      if (committed || aborted) {
        return;
      }
      aborted = true;
      ch = channel;
      channel = null;
      delete = createdPart;
    }
    if (ch != null) {
      releaseLock();
      try {
        ch.close();
      } catch (IOException ignored) {
        // the file is deleted next
      }
    }
    if (delete && part != null) {
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // nothing more can be done; a .part file is never taken for a finished one
      }
    }
  }

  /**
   * Reports progress at a bounded rate. Writes complete on several threads at once, so the listener
   * is called under a lock of its own, with the count read there: one call at a time, never going
   * backwards.
   */
  private void reportProgress() {
    DownloadSpec.Progress listener = spec.progress();
    if (listener == null) {
      return;
    }
    synchronized (progressLock) {
      long done = progress();
      long now = System.nanoTime();
      if ((expectedSize < 0 || done < expectedSize)
          && now - lastProgressNanos >= PROGRESS_INTERVAL_NANOS) {
        lastProgressNanos = now;
        listener.update(done, expectedSize);
      }
    }
  }

  /**
   * Writes buffers at increasing positions with at most {@link #MAX_IN_FLIGHT} writes outstanding,
   * asking for one more buffer each time a write completes, so a slow disk stops the socket being
   * read. Completes once every write has settled; owns and releases every buffer it receives.
   */
  private final class ChannelSink implements CoreSubscriber<ByteBuf> {
    private final MonoSink<Void> result;
    private Subscription upstream;
    private int inFlight;
    private boolean upstreamDone;
    private boolean finished;
    private Throwable error;

    ChannelSink(MonoSink<Void> result) {
      this.result = result;
    }

    @Override
    public void onSubscribe(Subscription s) {
      boolean cancelled;
      synchronized (FileTransfer.this) {
        upstream = s;
        cancelled = finished;
      }
      if (cancelled) {
        s.cancel();
      } else {
        s.request(MAX_IN_FLIGHT);
      }
    }

    @Override
    public void onNext(ByteBuf buf) {
      AsynchronousFileChannel ch;
      long pos;
      Throwable refused = null;
      synchronized (FileTransfer.this) {
        if (finished || error != null || aborted) {
          buf.release();
          return;
        }
        int n = buf.readableBytes();
        if (expectedSize >= 0 && position + n > expectedSize) {
          refused = Downloader.tooLong(what, expectedSize);
          error = refused;
          buf.release();
          ch = null;
          pos = 0;
        } else {
          pos = position;
          position += n;
          inFlight++;
          ch = channel;
        }
      }
      if (refused != null) {
        upstream.cancel();
        maybeFinish();
        return;
      }
      Slot slot = new Slot(this, buf.readableBytes(), digesting ? 2 : 1);
      if (digesting) {
        // The digest runs beside the write, in order, off the event loop; each holds a reference.
        digester.submit(buf.retain(), slot);
      }
      if (ch == null) {
        writeFailed(buf, slot, new IOException("channel closed"));
        return;
      }
      ByteBuffer[] parts = buf.nioBuffers();
      write(ch, buf, slot, parts, 0, pos);
    }

    private void write(
        AsynchronousFileChannel ch, ByteBuf buf, Slot slot, ByteBuffer[] parts, int i, long pos) {
      ch.write(
          parts[i],
          pos,
          null,
          new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void attachment) {
              long next = pos + n;
              if (parts[i].hasRemaining()) {
                write(ch, buf, slot, parts, i, next);
              } else if (i + 1 < parts.length) {
                write(ch, buf, slot, parts, i + 1, next);
              } else {
                buf.release();
                slotPartDone(slot);
              }
            }

            @Override
            public void failed(Throwable e, Void attachment) {
              writeFailed(buf, slot, e);
            }
          });
    }

    /** One of a buffer's two jobs (write, digest) is done; the buffer counts once both are. */
    void slotPartDone(Slot slot) {
      if (slot.pending.decrementAndGet() == 0) {
        if (slot.failed) {
          synchronized (FileTransfer.this) {
            inFlight--;
          }
          maybeFinish();
        } else {
          onWritten(slot.bytes);
        }
      }
    }

    private void onWritten(long n) {
      boolean more;
      downloader.events().bytesDownloaded(n);
      synchronized (FileTransfer.this) {
        inFlight--;
        written += n;
        more = !upstreamDone && error == null && !finished;
      }
      try {
        reportProgress();
      } catch (Throwable t) {
        synchronized (FileTransfer.this) {
          if (error == null) {
            error = t;
          }
        }
        upstream.cancel();
        more = false;
      }
      if (more) {
        upstream.request(1);
      } else {
        maybeFinish();
      }
    }

    private void writeFailed(ByteBuf buf, Slot slot, Throwable e) {
      buf.release();
      synchronized (FileTransfer.this) {
        if (error == null) {
          error =
              e instanceof IOException
                  ? Downloader.diskError(part, (IOException) e)
                  : new WandbTransferException("Could not write " + part + ": " + e, e, false);
        }
      }
      slot.failed = true;
      upstream.cancel();
      slotPartDone(slot);
    }

    @Override
    public void onError(Throwable t) {
      synchronized (FileTransfer.this) {
        upstreamDone = true;
        if (error == null) {
          error = t;
        }
      }
      maybeFinish();
    }

    @Override
    public void onComplete() {
      synchronized (FileTransfer.this) {
        upstreamDone = true;
      }
      maybeFinish();
    }

    /** Cancels the body; safe before the body has even been subscribed to. */
    void cancel() {
      Subscription s;
      synchronized (FileTransfer.this) {
        finished = true;
        s = upstream;
      }
      if (s != null) {
        s.cancel();
      }
    }

    /** Signals the result once the body has ended (or failed) and no write is outstanding. */
    private void maybeFinish() {
      Throwable e;
      synchronized (FileTransfer.this) {
        if (finished || inFlight > 0 || !(upstreamDone || error != null)) {
          return;
        }
        finished = true;
        e = error;
      }
      if (e == null) {
        result.success();
      } else {
        result.error(e);
      }
    }
  }

  /** One buffer's bookkeeping: its sink, its size, and its jobs still running. */
  static final class Slot {
    final ChannelSink owner;
    final int bytes;
    final AtomicInteger pending;
    volatile boolean failed;

    Slot(ChannelSink owner, int bytes, int jobs) {
      this.owner = owner;
      this.bytes = bytes;
      this.pending = new AtomicInteger(jobs);
    }
  }

  /**
   * A serial queue of digest jobs drained on {@link Schedulers#parallel()}: the MD5 sees the bytes
   * in order while the event loop goes on reading. Never cancelled, so every buffer handed to it is
   * digested (or dropped after an abort) and released.
   */
  private final class Digester implements Runnable {
    private final Queue<Object[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    void submit(ByteBuf buf, Slot slot) {
      queue.offer(new Object[] {buf, slot});
      if (wip.getAndIncrement() == 0) {
        try {
          Schedulers.parallel().schedule(this);
        } catch (RejectedExecutionException shuttingDown) {
          run();
        }
      }
    }

    @Override
    public void run() {
      int missed = 1;
      do {
        Object[] job;
        while ((job = queue.poll()) != null) {
          ByteBuf buf = (ByteBuf) job[0];
          Slot slot = (Slot) job[1];
          try {
            if (!slot.failed) {
              if (buf.nioBufferCount() == 1) {
                md5.update(buf.nioBuffer());
              } else {
                for (ByteBuffer b : buf.nioBuffers()) {
                  md5.update(b);
                }
              }
            }
          } finally {
            buf.release();
          }
          slot.owner.slotPartDone(slot);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}
