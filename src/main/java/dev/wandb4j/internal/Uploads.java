package dev.wandb4j.internal;

import dev.wandb4j.RunPath;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Uploads local files to a run, one or many: upload URLs in batches, each file sent by {@link
 * Uploader} while its MD5 is computed beside, then the file looked up as W&amp;B lists it and its
 * size and MD5 compared with the local file's. With {@code sync}, a file W&amp;B already lists with
 * the local file's size and MD5 is left alone. Internal.
 */
public final class Uploads {
  private final HttpCore http;
  private final FilesApi files;
  private final UploadUrls urls;
  private final Uploader uploader;
  private final Transfers transfers;

  Uploads(HttpCore http, FilesApi files, UploadUrls urls, TransferBudget budget, Transfers t) {
    this.http = http;
    this.files = files;
    this.urls = urls;
    this.uploader = new Uploader(http, budget);
    this.transfers = t;
  }

  /**
   * A local file to upload and its name in the run; or why it cannot be.
   *
   * @param path the local file
   * @param name its name in the run
   * @param file the file as looked at, or {@code null} when refused
   * @param refused why it cannot be uploaded, or {@code null}
   */
  public record Candidate(Path path, String name, LocalFile file, Throwable refused) {}

  /**
   * What became of one file.
   *
   * @param candidate the file
   * @param kind what happened
   * @param file the file as W&amp;B lists it, or {@code null} when it failed
   * @param bytes bytes sent
   * @param error why it failed, or {@code null}
   */
  public record Outcome(
      Candidate candidate, Kind kind, FileData file, long bytes, Throwable error) {
    /** What happened to a file. */
    public enum Kind {
      UPLOADED,
      UNCHANGED,
      FAILED
    }
  }

  /** Hears how far each file has come. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Bytes of a file sent so far in its current attempt.
     *
     * @param candidate the file
     * @param bytes the count, from 0 again when an attempt starts over
     */
    void sent(Candidate candidate, long bytes);
  }

  /**
   * Uploads one file.
   *
   * @param run the run
   * @param c the file
   * @param sync whether a file W&amp;B already lists with the same size and MD5 is left alone
   * @param progress hears its progress
   * @return the outcome, never {@code FAILED}: a failure is the Mono's error
   */
  public Mono<Outcome> one(RunPath run, Candidate c, boolean sync, Progress progress) {
    if (c.refused() != null) {
      return Mono.error(c.refused());
    }
    Function<String, Mono<FileData>> lookup =
        name ->
            files
                .file(run, name)
                .onErrorResume(
                    e -> e instanceof WandbNotFoundException && !isRunMissing(e, run),
                    e -> Mono.empty());
    Mono<Job> job =
        sync
            ? lookup
                .apply(c.name())
                .map(remote -> Map.of(c.name(), remote))
                .defaultIfEmpty(Map.of())
                .flatMap(remote -> decide(c, remote.get(c.name())))
            : Mono.just(new Job(c, null, null, null));
    return job.flatMap(
        j -> {
          if (j.unchanged() != null) {
            return Mono.just(j.unchanged());
          }
          return urls.forNames(run, List.of(c.name()))
              .flatMap(
                  batch ->
                      transfer(run, j.withTarget(target(batch, c.name())), progress, Mono.never())
                          .flatMap(sent -> verify(run, sent, lookup)));
        });
  }

  /**
   * Uploads many files, at most {@code concurrency} at a time: upload URLs (and, with {@code sync},
   * what W&amp;B lists under the same names) are asked for {@link UploadUrls#MAX_BATCH} files at a
   * time, just before those files are sent; the lookups that check each file after it is sent are
   * batched as they come.
   *
   * @param run the run
   * @param candidates the files, subscribed once
   * @param sync whether files W&amp;B already lists with the same size and MD5 are left alone
   * @param concurrency files sent at once
   * @param progress hears their progress
   * @param stop completes when the uploads in flight are to stop (they then end as failed)
   * @return one outcome per file, in completion order
   */
  public Flux<Outcome> many(
      RunPath run,
      Flux<Candidate> candidates,
      boolean sync,
      int concurrency,
      Progress progress,
      Mono<Void> stop) {
    return Flux.defer(
        () -> {
          BatchedLookups<String, FileData> checks =
              new BatchedLookups<>(UploadUrls.MAX_BATCH, names -> byNames(run, names));
          Function<String, Mono<FileData>> lookup = checks::get;
          return candidates
              .buffer(UploadUrls.MAX_BATCH)
              .concatMap(batch -> prepare(run, batch, sync, concurrency), 0)
              .flatMap(
                  item ->
                      item.outcome() != null
                          ? Mono.just(item)
                          : transfer(run, item.job(), progress, stop)
                              .map(Item::sent)
                              .onErrorResume(e -> Mono.just(failed(item.job().candidate(), e))),
                  concurrency)
              .flatMap(
                  item ->
                      item.outcome() != null
                          ? Mono.just(item.outcome())
                          : verify(run, item.sent(), lookup)
                              .onErrorResume(
                                  e ->
                                      Mono.just(
                                          failed(item.sent().job().candidate(), e).outcome())),
                  UploadUrls.MAX_BATCH);
        });
  }

  private static boolean isRunMissing(Throwable e, RunPath run) {
    String m = e.getMessage();
    return m != null && (m.startsWith("Run " + run + " not found") || m.startsWith("Project "));
  }

  /** What to do with one file: upload it to a target, or nothing (unchanged). */
  private record Job(Candidate candidate, byte[] md5, Uploader.Target target, Outcome unchanged) {
    Job withTarget(Uploader.Target t) {
      return new Job(candidate, md5, t, null);
    }
  }

  /** A file sent, with its MD5 and bytes, waiting to be checked against W&amp;B's listing. */
  private record Sent(Job job, byte[] md5) {}

  /** A step's product: a job to send, a file sent, or a final outcome. */
  private record Item(Job job, Sent sent, Outcome outcome) {
    static Item of(Job job) {
      return new Item(job, null, null);
    }

    static Item sent(Sent sent) {
      return new Item(null, sent, null);
    }

    static Item done(Outcome outcome) {
      return new Item(null, null, outcome);
    }
  }

  private static Item failed(Candidate c, Throwable e) {
    return Item.done(new Outcome(c, Outcome.Kind.FAILED, null, 0, e));
  }

  /**
   * Readies a batch of files: refused ones end at once; with sync, those W&amp;B lists with their
   * size and MD5 are unchanged; the others get their upload URLs, in one request.
   */
  private Flux<Item> prepare(RunPath run, List<Candidate> batch, boolean sync, int concurrency) {
    List<Item> done = new ArrayList<>();
    List<Candidate> todo = new ArrayList<>();
    for (Candidate c : batch) {
      if (c.refused() != null) {
        done.add(failed(c, c.refused()));
      } else {
        todo.add(c);
      }
    }
    if (todo.isEmpty()) {
      return Flux.fromIterable(done);
    }
    Mono<List<Job>> jobs;
    if (sync) {
      jobs =
          byNames(run, names(todo))
              .flatMapMany(
                  remote ->
                      Flux.fromIterable(todo)
                          .flatMap(c -> decide(c, remote.get(c.name())), concurrency))
              .collectList();
    } else {
      List<Job> plain = new ArrayList<>();
      for (Candidate c : todo) {
        plain.add(new Job(c, null, null, null));
      }
      jobs = Mono.just(plain);
    }
    Flux<Item> ready =
        jobs.flatMapMany(
            list -> {
              List<Item> items = new ArrayList<>();
              List<Job> upload = new ArrayList<>();
              for (Job j : list) {
                if (j.unchanged() != null) {
                  items.add(Item.done(j.unchanged()));
                } else {
                  upload.add(j);
                }
              }
              if (upload.isEmpty()) {
                return Flux.fromIterable(items);
              }
              List<String> names = new ArrayList<>();
              for (Job j : upload) {
                names.add(j.candidate().name());
              }
              return urls.forNames(run, names)
                  .map(
                      b -> {
                        for (Job j : upload) {
                          items.add(Item.of(j.withTarget(target(b, j.candidate().name()))));
                        }
                        return items;
                      })
                  .onErrorResume(
                      e -> !endsAll(e),
                      e -> {
                        for (Job j : upload) {
                          items.add(failed(j.candidate(), e));
                        }
                        return Mono.just(items);
                      })
                  .flatMapMany(Flux::fromIterable);
            });
    return Flux.fromIterable(done)
        .concatWith(
            ready.onErrorResume(
                e -> !endsAll(e), e -> Flux.fromIterable(todo).map(c -> failed(c, e))));
  }

  /**
   * Whether an error of a request for a batch dooms every file, so that it ends the whole upload
   * rather than each file: a run that does not exist, or a key W&amp;B refuses. Others (a 5xx that
   * outlasted the retries, say) fail the batch's files, which running again may upload.
   */
  private static boolean endsAll(Throwable e) {
    return e instanceof WandbNotFoundException || e instanceof WandbAuthenticationException;
  }

  private static List<String> names(List<Candidate> cs) {
    List<String> names = new ArrayList<>(cs.size());
    for (Candidate c : cs) {
      names.add(c.name());
    }
    return names;
  }

  /**
   * With sync: a file W&amp;B lists with the local size and MD5 is unchanged; any other is to be
   * uploaded, with its MD5 already known when it was computed.
   */
  private Mono<Job> decide(Candidate c, FileData remote) {
    LocalFile f = c.file();
    if (remote == null
        || remote.size() != f.size()
        || remote.md5() == null
        || remote.md5().isBlank()) {
      return Mono.just(new Job(c, null, null, null));
    }
    return Mono.fromCallable(() -> f.md5(describe(c)))
        .subscribeOn(Schedulers.boundedElastic())
        .map(
            digest ->
                Md5.matches(digest, remote.md5())
                    ? new Job(
                        c, digest, null, new Outcome(c, Outcome.Kind.UNCHANGED, remote, 0, null))
                    : new Job(c, digest, null, null));
  }

  private static Uploader.Target target(UploadUrls.Batch b, String name) {
    return new Uploader.Target(b.urls().get(name), b.headers());
  }

  /**
   * Sends a file while its MD5 is computed from the file beside it, then checks that the file did
   * not change meanwhile. Registered with the client, so that closing it stops the upload.
   */
  private Mono<Sent> transfer(RunPath run, Job job, Progress progress, Mono<Void> stop) {
    Candidate c = job.candidate();
    String what = describe(c) + " of run " + run;
    return Mono.defer(
        () -> {
          Transfers.Ticket ticket = transfers.register();
          Mono<byte[]> md5 =
              job.md5() != null
                  ? Mono.just(job.md5())
                  : Mono.fromCallable(() -> c.file().md5(what))
                      .subscribeOn(Schedulers.boundedElastic());
          Mono<Void> put =
              uploader.put(
                  job.target(),
                  c.file(),
                  what,
                  bytes -> progress.sent(c, bytes),
                  () -> urls.forNames(run, List.of(c.name())).map(b -> target(b, c.name())));
          return Mono.zip(put.thenReturn(true), md5)
              .map(t -> t.getT2())
              .flatMap(
                  digest ->
                      FileIo.shared()
                          .call(
                              () -> {
                                c.file().checkUnchanged(what);
                                return new Sent(job, digest);
                              }))
              .takeUntilOther(Mono.firstWithSignal(ticket.stopped(), stop))
              .switchIfEmpty(
                  Mono.error(() -> new CancellationException("Upload of " + what + " stopped")))
              .doFinally(s -> ticket.close());
        });
  }

  /**
   * Looks the file up as W&amp;B lists it and compares its size and MD5 with the local file's.
   * W&amp;B may take a moment to record an upload, so a file not listed yet, or listed with other
   * values, is looked up again with the client's backoff before the upload is reported as failed.
   */
  private Mono<Outcome> verify(RunPath run, Sent sent, Function<String, Mono<FileData>> lookup) {
    Candidate c = sent.job().candidate();
    long size = c.file().size();
    RetrySettings retry = http.settings().retry();
    FileData[] last = new FileData[1];
    return Mono.defer(() -> lookup.apply(c.name()))
        .doOnNext(f -> last[0] = f)
        .filter(f -> f.size() == size && f.md5() != null && Md5.matches(sent.md5(), f.md5()))
        .switchIfEmpty(Mono.error(NotYet::new))
        .retryWhen(
            Retry.from(
                signals ->
                    signals.concatMap(
                        s ->
                            s.failure() instanceof NotYet && s.totalRetries() < retry.maxRetries()
                                ? Mono.delay(retry.backoff(s.totalRetries()))
                                : Mono.error(s.failure()))))
        .onErrorMap(
            NotYet.class, e -> mismatch(describe(c) + " of run " + run, size, sent.md5(), last[0]))
        .map(f -> new Outcome(c, Outcome.Kind.UPLOADED, f, size, null));
  }

  private static WandbTransferException mismatch(
      String what, long size, byte[] md5, FileData listed) {
    String local = Base64.getEncoder().encodeToString(md5);
    String remote =
        listed == null
            ? "W&B does not list it"
            : "W&B lists it with " + listed.size() + " bytes and MD5 " + listed.md5();
    return new WandbTransferException(
        "The upload of "
            + what
            + " did not arrive intact: "
            + remote
            + ", the local file has "
            + size
            + " bytes and MD5 "
            + local
            + "; upload it again",
        null,
        true);
  }

  /** The files of a run that W&amp;B lists under these names. */
  private Mono<Map<String, FileData>> byNames(RunPath run, List<String> names) {
    return files
        .pages(run, names, null, names.size(), false, null)
        .concatMapIterable(PageData::files)
        .collectMap(FileData::name, f -> f, LinkedHashMap::new);
  }

  private static String describe(Candidate c) {
    return "file '" + SafePaths.printable(c.name()) + "'";
  }

  /** A file not listed yet, or not yet with the values sent. */
  private static final class NotYet extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotYet() {
      super(null, null, false, false);
    }
  }
}
