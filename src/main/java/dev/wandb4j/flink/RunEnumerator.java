package dev.wandb4j.flink;

import dev.wandb4j.Project;
import dev.wandb4j.RunInfo;
import dev.wandb4j.RunPage;
import dev.wandb4j.error.WandbException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Lists the project's runs and hands them to readers as they ask. Its fields are touched only on
 * Flink's coordinator thread; listings run on the coordinator's worker thread and pass each page
 * back to the coordinator thread, so a reader can start on the first runs while later pages are
 * listed.
 */
final class RunEnumerator implements SplitEnumerator<RunSplit, EnumeratorState> {
  private static final Logger log = Loggers.getLogger(RunEnumerator.class);

  private final SplitEnumeratorContext<RunSplit> context;
  private final SourceSettings settings;
  private final Map<String, RunSplit> pending = new LinkedHashMap<>();
  private final Set<String> assigned = new LinkedHashSet<>();
  private final Set<String> finished = new LinkedHashSet<>();
  private final Set<Integer> waiting = new LinkedHashSet<>();
  private boolean listed;
  private SharedClients.Lease lease;

  RunEnumerator(
      SplitEnumeratorContext<RunSplit> context, SourceSettings settings, EnumeratorState state) {
    this.context = context;
    this.settings = settings;
    for (RunSplit split : state.pending()) {
      pending.put(split.splitId(), split);
    }
    assigned.addAll(state.assigned());
    finished.addAll(state.finished());
    this.listed = state.listed();
  }

  @Override
  public void start() {
    lease = SharedClients.acquire(settings.connection);
    if (settings.continuous) {
      context.callAsync(
          this::listRuns, this::listingEnded, 0, settings.discoveryInterval.toMillis());
    } else if (!listed) {
      context.callAsync(this::listRuns, this::listingEnded);
    }
  }

  /**
   * Lists every run the query selects, on the coordinator's worker thread, handing each page to the
   * coordinator thread as it arrives.
   *
   * @return how many runs were listed
   */
  private Integer listRuns() {
    Project project = lease.client().project(settings.projectPath());
    int count = 0;
    Iterator<RunPage> pages = project.runPages(settings.runQuery(), null).toIterable(1).iterator();
    while (pages.hasNext()) {
      List<RunSplit> found = new ArrayList<>();
      for (RunInfo run : pages.next().runs()) {
        found.add(RunSplit.start(RunMetadata.of(run)));
      }
      count += found.size();
      context.runInCoordinatorThread(() -> discovered(found));
    }
    // After the pages, on the same thread: a bounded source may then tell readers there is no more.
    context.runInCoordinatorThread(this::listingCompleted);
    return count;
  }

  private void discovered(List<RunSplit> found) {
    for (RunSplit split : found) {
      String id = split.splitId();
      if (!pending.containsKey(id) && !assigned.contains(id) && !finished.contains(id)) {
        pending.put(id, split);
      }
    }
    assignWaiting();
  }

  private void listingEnded(Integer count, Throwable error) {
    if (error != null) {
      if (settings.continuous
          && error instanceof WandbException
          && ((WandbException) error).isRetryable()) {
        log.warn(
            "Listing the runs of {}/{} failed; trying again at the next interval: {}",
            settings.entity,
            settings.project,
            error.toString());
        return;
      }
      throw new IllegalStateException(
          "Listing the runs of " + settings.entity + "/" + settings.project + " failed", error);
    }
    log.debug("Listed {} runs of {}/{}", count, settings.entity, settings.project);
  }

  private void listingCompleted() {
    listed = true;
    assignWaiting();
  }

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    waiting.add(subtaskId);
    assignWaiting();
  }

  private void assignWaiting() {
    Iterator<Integer> readers = waiting.iterator();
    while (readers.hasNext()) {
      int reader = readers.next();
      if (!context.registeredReaders().containsKey(reader)) {
        // A reader that failed; it asks again when it is back.
        readers.remove();
        continue;
      }
      Iterator<RunSplit> next = pending.values().iterator();
      if (next.hasNext()) {
        RunSplit split = next.next();
        next.remove();
        assigned.add(split.splitId());
        context.assignSplit(split, reader);
        readers.remove();
      } else if (!settings.continuous && listed) {
        context.signalNoMoreSplits(reader);
        readers.remove();
      } else {
        return;
      }
    }
  }

  @Override
  public void addSplitsBack(List<RunSplit> splits, int subtaskId) {
    // Splits of a failed reader, as its last checkpoint held them: first in line again.
    Map<String, RunSplit> back = new LinkedHashMap<>();
    for (RunSplit split : splits) {
      assigned.remove(split.splitId());
      finished.remove(split.splitId());
      back.put(split.splitId(), split);
    }
    back.putAll(pending);
    pending.clear();
    pending.putAll(back);
  }

  @Override
  public void addReader(int subtaskId) {
    // Readers ask for a run when they start.
  }

  @Override
  public void handleSourceEvent(int subtaskId, SourceEvent event) {
    if (event instanceof RunFinishedEvent) {
      String id = ((RunFinishedEvent) event).runId();
      if (assigned.remove(id)) {
        finished.add(id);
      }
    }
  }

  @Override
  public EnumeratorState snapshotState(long checkpointId) {
    return new EnumeratorState(new ArrayList<>(pending.values()), assigned, finished, listed);
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
  }
}
