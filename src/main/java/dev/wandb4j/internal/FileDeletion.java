package dev.wandb4j.internal;

import dev.wandb4j.RunPath;
import dev.wandb4j.WandbClientListener;
import dev.wandb4j.error.WandbDeleteException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbRateLimitedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Deletes files in batches, one {@code deleteFiles} mutation per batch, and never sends a mutation
 * again blindly. A mutation whose answer is lost (a timeout, a connection closed after the request
 * went out, a 5xx, a 429) may or may not have taken effect: the batch's files are looked up by
 * name, and only those still there are deleted, with a new mutation. A mutation the server refused
 * (any other 4xx, GraphQL errors, an unconfirmed deletion) ends the deletion. Internal.
 */
public final class FileDeletion {
  /** The most files one deletion may take in a mutation. */
  public static final int MAX_BATCH_SIZE = 1000;

  /**
   * One file to delete: what the mutation needs (its ID and its run's integer project ID) and what
   * a check needs (its run and its name).
   *
   * @param run the file's run
   * @param projectId the run's integer project ID
   * @param id W&amp;B's file ID
   * @param name the file's name inside the run
   */
  public record Target(RunPath run, long projectId, String id, String name) {}

  private final FilesApi files;
  private final RetrySettings retry;
  private final Events events;

  /**
   * Creates a deletion over a client's Files API.
   *
   * @param files the API the mutations and checks go through
   * @param settings the client's settings: how often and how patiently to check and resend
   */
  public FileDeletion(FilesApi files, ClientSettings settings) {
    this.files = files;
    this.retry = settings.retry();
    this.events = settings.events();
  }

  /**
   * Deletes the targets, the same ID once however often it is given, in batches of at most {@code
   * batchSize} files of one run, one batch after another.
   *
   * @param targets the files, all known before the first mutation
   * @param batchSize files per mutation
   * @param what names the files in messages, e.g. "files of run acme/p/r"
   * @return the number of files deleted; or a {@link WandbDeleteException} carrying how many were
   *     deleted before the error
   */
  public Mono<Long> delete(List<Target> targets, int batchSize, String what) {
    return Mono.deferContextual(
        ctx -> {
          List<List<Target>> batches = batches(targets, batchSize);
          long requested = batches.stream().mapToLong(List::size).sum();
          AtomicLong deleted = new AtomicLong();
          return Flux.fromIterable(batches)
              .concatMap(batch -> deleteBatch(batch, deleted, 0, ctx), 0)
              .then(Mono.fromSupplier(deleted::get))
              .onErrorMap(
                  e ->
                      new WandbDeleteException(
                          "Deleted "
                              + deleted.get()
                              + " of "
                              + requested
                              + " "
                              + what
                              + " before an error stopped the deletion: "
                              + (e.getMessage() == null
                                  ? e.getClass().getSimpleName()
                                  : e.getMessage())
                              + " (deleting the same files again deletes only those left)",
                          deleted.get(),
                          requested,
                          e));
        });
  }

  /** Distinct targets grouped by run, first seen first, cut into batches. */
  static List<List<Target>> batches(List<Target> targets, int batchSize) {
    Set<String> seen = new HashSet<>();
    Map<RunPath, Map<Long, List<Target>>> byRun = new LinkedHashMap<>();
    for (Target t : targets) {
      if (seen.add(t.id())) {
        byRun
            .computeIfAbsent(t.run(), k -> new LinkedHashMap<>())
            .computeIfAbsent(t.projectId(), k -> new ArrayList<>())
            .add(t);
      }
    }
    List<List<Target>> batches = new ArrayList<>();
    for (Map<Long, List<Target>> byProject : byRun.values()) {
      for (List<Target> group : byProject.values()) {
        for (int from = 0; from < group.size(); from += batchSize) {
          batches.add(group.subList(from, Math.min(group.size(), from + batchSize)));
        }
      }
    }
    return batches;
  }

  /**
   * One mutation for a batch. If its answer is lost, waits as a retry would and finds which of the
   * batch's files are still there, counting the others as deleted; then, while resends are left
   * (the client's {@code maxRetries}), deletes those still there with a new mutation. With none
   * left it fails, the count having been made right by the check.
   */
  private Mono<Void> deleteBatch(
      List<Target> batch, AtomicLong deleted, int resends, ContextView ctx) {
    Target first = batch.get(0);
    return files
        .delete(ids(batch), first.projectId(), describe(batch))
        .doOnNext(n -> deleted.addAndGet(batch.size()))
        .then()
        .onErrorResume(
            e -> {
              if (!isAmbiguous(e)) {
                events.failed(WandbClientListener.Operation.GRAPHQL, e, ctx);
                return Mono.error(e);
              }
              return Mono.delay(delayFor(e, resends))
                  .then(stillThere(batch))
                  .flatMap(
                      left -> {
                        deleted.addAndGet(batch.size() - left.size());
                        if (left.isEmpty()) {
                          return Mono.<Void>empty();
                        }
                        if (resends >= retry.maxRetries()) {
                          events.failed(WandbClientListener.Operation.GRAPHQL, e, ctx);
                          return Mono.<Void>error(e);
                        }
                        events.retried(WandbClientListener.Operation.GRAPHQL, e, ctx);
                        return deleteBatch(left, deleted, resends + 1, ctx);
                      });
            });
  }

  /**
   * Whether a failed mutation may have taken effect: its answer was lost, cut short or unreadable,
   * or was a server failure or a rate limit. A refusal (a 4xx, GraphQL errors, a deletion W&amp;B
   * answered without confirming) is not.
   */
  private static boolean isAmbiguous(Throwable e) {
    if (!(e instanceof WandbException)
        || e instanceof WandbGraphQlException
        || e instanceof WandbNotFoundException
        || e instanceof FilesApi.Unconfirmed) {
      // Not sent, or answered: W&B said what it did.
      return false;
    }
    if (e instanceof WandbHttpException) {
      int status = ((WandbHttpException) e).status();
      return status >= 500 || status == 408 || status == 429;
    }
    // Lost, timed out, cut short, or an answer that cannot be read: it may have been applied.
    return true;
  }

  private Duration delayFor(Throwable e, int resends) {
    if (e instanceof WandbRateLimitedException) {
      Duration asked = ((WandbRateLimitedException) e).retryAfter();
      if (asked != null) {
        return retry.boundRetryAfter(asked);
      }
    }
    return retry.backoff(resends);
  }

  /** The batch's files that the run still lists, looked up by name (a query, retried as usual). */
  private Mono<List<Target>> stillThere(List<Target> batch) {
    Set<String> names = new LinkedHashSet<>();
    for (Target t : batch) {
      names.add(t.name());
    }
    return files
        .presentIds(batch.get(0).run(), List.copyOf(names))
        .map(
            present -> {
              List<Target> left = new ArrayList<>();
              for (Target t : batch) {
                if (present.contains(t.id())) {
                  left.add(t);
                }
              }
              return left;
            });
  }

  private static List<String> ids(List<Target> batch) {
    List<String> ids = new ArrayList<>(batch.size());
    for (Target t : batch) {
      ids.add(t.id());
    }
    return ids;
  }

  private static String describe(List<Target> batch) {
    return batch.size() == 1
        ? "file " + batch.get(0).id() + " of run " + batch.get(0).run()
        : batch.size() + " files of run " + batch.get(0).run();
  }
}
