package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbTransferException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One download of one file to disk, from the target's checks to the commit. The part file is a
 * resource ({@link Mono#usingWhen}): it is removed, after the writes in flight have settled, before
 * a failed or stopped download signals its end. Used by one subscription.
 */
final class FileTransfer {
  /** Files from this size on keep their part file resumable by a later process: 8 MiB. */
  static final long RESUMABLE_FROM = 8L << 20;

  /** The shortest interval between two progress reports. */
  static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

  private final Downloader downloader;
  private final FileData file;
  private final Path root;
  private final DownloadSpec spec;
  private final TransferState state;
  private final String what;
  private final boolean verifying;
  private final CallbackLane<long[]> lane;

  private ContextView context = Context.empty();
  private Path target;
  private boolean replace;
  private Transfers.Ticket ticket;
  private Md5 md5;
  private ChannelWriter writer;
  private boolean resumed;
  private volatile boolean suspended;
  private long lastReport;

  FileTransfer(
      Downloader downloader,
      FileData file,
      String runLabel,
      Path root,
      DownloadSpec spec,
      Supplier<Mono<FileData>> refresh) {
    this.downloader = downloader;
    this.file = file;
    this.root = root;
    this.spec = spec;
    this.what = Downloader.describe(file, runLabel);
    this.state = new TransferState(file, what, refresh, this::onDisk);
    this.verifying = spec.verifyChecksum() && file.md5() != null && !file.md5().isBlank();
    this.lane =
        spec.progress() == null
            ? null
            : new CallbackLane<>(p -> spec.progress().update(p[0], p[1], context));
  }

  Mono<Outcome> run() {
    return Mono.deferContextual(
        ctx -> {
          context = ctx;
          // With sync, preparing may hash a large existing file: that runs where it cannot hold
          // up the file pool's writes for other downloads.
          Mono<Outcome> prepared =
              spec.sync()
                  ? Mono.fromCallable(this::prepare).subscribeOn(Schedulers.boundedElastic())
                  : FileIo.shared().call(this::prepare);
          return prepared
              .switchIfEmpty(Mono.defer(this::transfer))
              .doOnError(
                  e -> downloader.events().failed(WandbClientListener.Operation.DOWNLOAD, e, ctx));
        });
  }

  /**
   * Checks the name and the target, creating the folders on the way; returns what to report when
   * the target is kept, or nothing when the file is to be downloaded.
   */
  private Outcome prepare() throws IOException {
    target = SafePaths.resolve(root, file.name());
    try {
      SafePaths.createFolders(root, target.getParent(), what);
    } catch (IOException e) {
      throw Downloader.diskError(target.getParent(), e);
    }
    BasicFileAttributes present = SafePaths.attributes(target);
    if (present != null && present.isDirectory()) {
      throw new WandbTransferException(
          "Cannot download " + what + " to " + target + ": a directory is in the way", null, false);
    }
    if (present != null) {
      if (spec.sync() && unchanged(present)) {
        if (spec.journal() != null) {
          spec.journal().completed(file.name(), file.size(), file.md5(), target);
        }
        return new Outcome(target, Outcome.Kind.UNCHANGED, 0);
      }
      if (!spec.replace() && !spec.sync()) {
        if (spec.existOk()) {
          return new Outcome(target, Outcome.Kind.EXISTED, 0);
        }
        throw new FileAlreadyExistsException(
            target.toString(), null, "already exists; download with replace or existOk");
      }
    }
    // Sync replaces the target it compared; one that appears meanwhile is left alone.
    replace = spec.replace() || present != null;
    return null;
  }

  /**
   * Whether the target already has this file's size and MD5: recorded so in the journal and not
   * changed since, or else read and hashed.
   */
  private boolean unchanged(BasicFileAttributes present) throws IOException {
    if (spec.journal() != null
        && !spec.verifyExisting()
        && spec.journal().isComplete(file.name(), file.size(), file.md5(), present)) {
      return true;
    }
    return present.isRegularFile()
        && file.size() >= 0
        && present.size() == file.size()
        && file.md5() != null
        && !file.md5().isBlank()
        && Md5.fileMatches(target, file.size(), file.md5());
  }

  private Mono<Outcome> transfer() {
    Mono<Outcome> body =
        Mono.usingWhen(
            claim(),
            part ->
                prime(part)
                    .then(writeVerifyCommit(part))
                    .takeUntilOther(stops())
                    .switchIfEmpty(
                        Mono.error(
                            () -> new CancellationException("Download of " + what + " stopped"))),
            this::release,
            (part, e) -> release(part),
            this::release);
    return body;
  }

  /**
   * Completes when the download is to stop: the client is closing (the part file is then kept if a
   * later download can continue from it), or a bulk download failed fast.
   */
  private Mono<Void> stops() {
    Mono<Void> client = ticket.stopped().doOnSuccess(v -> suspended = true);
    return spec.stop() == null ? client : Mono.firstWithSignal(client, spec.stop());
  }

  /** Registers the transfer and claims its part file. */
  private Mono<PartFile> claim() {
    return FileIo.shared()
        .call(
            () -> {
              ticket = downloader.transfers().register();
              downloader.budget().transferStarted();
              try {
                PartFile.Version version =
                    verifying && file.size() >= RESUMABLE_FROM
                        ? new PartFile.Version(file.size(), file.md5().strip())
                        : null;
                return PartFile.claim(target, version, ChannelWriter.IN_FLIGHT_BYTES);
              } catch (IOException e) {
                ended();
                throw Downloader.diskError(target, e);
              } catch (RuntimeException e) {
                ended();
                throw e;
              }
            })
        // Claimed, but the download was cancelled before it could use it.
        .doOnDiscard(
            PartFile.class,
            part ->
                FileIo.shared()
                    .execute(
                        () -> {
                          part.remove();
                          ended();
                        }));
  }

  /**
   * Readies the digest and the writer; a part file left by an earlier process is read back into the
   * digest first, off the I/O threads.
   */
  private Mono<Void> prime(PartFile part) {
    md5 = verifying ? new Md5() : null;
    if (part.resumable() == 0 || md5 == null) {
      writer = newWriter(part, 0);
      return Mono.empty();
    }
    return Mono.fromRunnable(
            () -> {
              try {
                md5.resetTo(part, part.resumable());
                resumed = true;
                writer = newWriter(part, part.resumable());
              } catch (IOException unreadable) {
                md5.reset();
                writer = newWriter(part, 0);
              }
            })
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  private ChannelWriter newWriter(PartFile part, long start) {
    return new ChannelWriter(
        part,
        what,
        file.size(),
        start,
        md5,
        downloader.budget(),
        downloader.events(),
        this::onPrefix);
  }

  /**
   * Removes the part file unless it was committed, once no write is in flight; when the client is
   * closing, keeps it instead if a later download can continue from it.
   */
  private Mono<Void> release(PartFile part) {
    Mono<Void> settled = writer == null ? Mono.empty() : writer.idle();
    return settled
        .then(
            FileIo.shared()
                .call(
                    () -> {
                      if (suspended) {
                        part.keep();
                      } else {
                        part.remove();
                      }
                      return true;
                    }))
        .then()
        .doFinally(s -> ended());
  }

  private synchronized void ended() {
    Transfers.Ticket t = ticket;
    if (t != null) {
      ticket = null;
      downloader.budget().transferEnded();
      t.close();
    }
  }

  private Mono<Outcome> writeVerifyCommit(PartFile part) {
    return attempts()
        .then(Mono.defer(this::verify))
        .onErrorResume(
            Md5Mismatch.class,
            e -> {
              if (!resumed) {
                return Mono.error(e.getCause());
              }
              // The bytes a killed process left did not hold up: start over, once.
              resumed = false;
              writer.restart();
              return attempts().then(Mono.defer(this::verify));
            })
        .onErrorMap(Md5Mismatch.class, Throwable::getCause)
        .flatMap(size -> finalReport(size).thenReturn(size))
        .flatMap(
            size ->
                FileIo.shared()
                    .call(
                        () -> {
                          try {
                            part.commit(target, size, replace, spec.durable());
                            if (spec.journal() != null && spec.sync() && md5 != null) {
                              spec.journal().completed(file.name(), size, file.md5(), target);
                            }
                          } catch (FileAlreadyExistsException e) {
                            throw e;
                          } catch (IOException e) {
                            throw Downloader.diskError(target, e);
                          }
                          return new Outcome(target, Outcome.Kind.DOWNLOADED, size);
                        }));
  }

  /**
   * The last progress report, at 100%, once the file is complete and verified and before it is
   * moved into place: a callback that throws then fails the download, and nothing is committed.
   */
  private Mono<Void> finalReport(long size) {
    return lane == null ? Mono.empty() : lane.last(new long[] {size, size});
  }

  private Mono<Void> attempts() {
    return Mono.defer(this::attempt)
        .retryWhen(downloader.retryPolicy(state, context))
        .onErrorMap(e -> Downloader.exhausted(e, state, writer.prefix()));
  }

  /** One request, from the bytes already on disk, streamed into the part file. */
  private Mono<Void> attempt() {
    long offset = writer.prefix();
    if ((state.attempts++ > 0 || offset > 0) && file.size() >= 0 && offset == file.size()) {
      return Mono.empty();
    }
    return writer.write(
        downloader
            .http()
            .get(
                state.url,
                offset,
                -1,
                state.ifRange(offset),
                res -> {
                  if (state.check(res, offset) != TransferState.Start.AT_OFFSET && offset > 0) {
                    // Nothing written so far is kept: the file changed, or the server sent it
                    // again from byte 0.
                    writer.restart();
                    if (res.status().code() == 206) {
                      // A new version, answered from the offset: ask again from byte 0.
                      throw new WandbTransferException(
                          what + " changed since its download began; starting it over", null, true);
                    }
                  }
                },
                what));
  }

  /** Checks size and MD5 of what is on disk; returns the size. */
  private Mono<Long> verify() {
    long size = writer.prefix();
    if (file.size() >= 0 && size != file.size()) {
      return Mono.error(Downloader.sizeMismatch(what, file.size(), size));
    }
    if (md5 != null) {
      byte[] digest = md5.finish();
      String expected = file.md5().strip();
      if (!Md5.matches(digest, expected)) {
        String actual = Base64.getEncoder().encodeToString(digest);
        return Mono.error(
            new Md5Mismatch(
                new WandbTransferException(
                    "MD5 mismatch for " + what + ": expected " + expected + ", got " + actual,
                    null,
                    true)));
      }
    }
    return Mono.just(size);
  }

  /** Carries an MD5 mismatch to where a resumed download may start over. */
  private static final class Md5Mismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Md5Mismatch(WandbTransferException cause) {
      super(null, cause, false, false);
    }
  }

  /** Bytes on disk, for the retry policy. */
  private long onDisk() {
    ChannelWriter w = writer;
    return w == null ? 0 : w.prefix();
  }

  /** The prefix grew: tells the bulk tracker at once, the user at most ten times a second. */
  private void onPrefix(long written) {
    if (spec.written() != null) {
      spec.written().accept(written);
    }
    if (lane == null) {
      return;
    }
    Throwable failed = lane.failure();
    if (failed != null) {
      throw failed instanceof RuntimeException
          ? (RuntimeException) failed
          : new WandbTransferException(failed.toString(), failed, false);
    }
    long now = System.nanoTime();
    synchronized (this) {
      if (file.size() >= 0 && written >= file.size()
          || now - lastReport < PROGRESS_INTERVAL_NANOS) {
        return;
      }
      lastReport = now;
    }
    lane.offer(new long[] {written, file.size()});
  }
}
