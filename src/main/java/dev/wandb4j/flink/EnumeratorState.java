package dev.wandb4j.flink;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the source's enumerator keeps in a checkpoint: the runs found but not handed out yet (with
 * their positions, which are not the start for runs a failed reader gave back), the runs handed out
 * to a reader, the runs readers reported finished, and whether a bounded source has listed the
 * project's runs. A run found in any of the three is never handed out again; a run handed out but
 * not finished is in a reader's checkpoint, with its position. An immutable value.
 */
public final class EnumeratorState {
  private final List<RunSplit> pending;
  private final Set<String> assigned;
  private final Set<String> finished;
  private final boolean listed;

  EnumeratorState(
      List<RunSplit> pending, Set<String> assigned, Set<String> finished, boolean listed) {
    this.pending = List.copyOf(pending);
    this.assigned = Collections.unmodifiableSet(new LinkedHashSet<>(assigned));
    this.finished = Collections.unmodifiableSet(new LinkedHashSet<>(finished));
    this.listed = listed;
  }

  /** The state of an enumerator that has not started: nothing found. */
  static EnumeratorState empty() {
    return new EnumeratorState(List.of(), Set.of(), Set.of(), false);
  }

  /**
   * Runs found and not handed out yet, in the order they will be.
   *
   * @return an immutable list
   */
  public List<RunSplit> pending() {
    return pending;
  }

  /**
   * IDs of the runs handed out to readers and not reported finished.
   *
   * @return an immutable set
   */
  public Set<String> assigned() {
    return assigned;
  }

  /**
   * IDs of the runs whose every selected file was emitted.
   *
   * @return an immutable set
   */
  public Set<String> finished() {
    return finished;
  }

  /**
   * Whether the project's runs were listed to the end; a bounded source lists them once.
   *
   * @return {@code true} once a listing completed
   */
  public boolean listed() {
    return listed;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EnumeratorState)) {
      return false;
    }
    EnumeratorState s = (EnumeratorState) o;
    return listed == s.listed
        && pending.equals(s.pending)
        && assigned.equals(s.assigned)
        && finished.equals(s.finished);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pending, assigned, finished, listed);
  }

  @Override
  public String toString() {
    return "EnumeratorState{pending="
        + pending.size()
        + ", assigned="
        + assigned.size()
        + ", finished="
        + finished.size()
        + ", listed="
        + listed
        + "}";
  }
}
