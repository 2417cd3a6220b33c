package dev.wandb4j.flink;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One run, the source's unit of work, with the position its reader reached in the run's file
 * listing: the listing continues after {@code cursor} (W&amp;B's cursor of a page, or {@code null}
 * for the start), skipping the first {@code skip} files listed there. Records emitted before a
 * checkpoint are behind the position the checkpoint holds, so a restored job lists on from there
 * and emits each file of the run once. An immutable value.
 */
public final class RunSplit implements SourceSplit {
  private final RunMetadata run;
  private final String cursor;
  private final int skip;

  RunSplit(RunMetadata run, String cursor, int skip) {
    if (skip < 0) {
      throw new IllegalArgumentException("skip must not be negative: " + skip);
    }
    this.run = Objects.requireNonNull(run, "run");
    this.cursor = cursor;
    this.skip = skip;
  }

  /** A run not read yet. */
  static RunSplit start(RunMetadata run) {
    return new RunSplit(run, null, 0);
  }

  /**
   * The split's ID: the run's short ID, unique within the source's one project.
   *
   * @return the run ID
   */
  @Override
  public String splitId() {
    return run.runId();
  }

  /**
   * The run.
   *
   * @return what W&amp;B said of it when it was listed
   */
  public RunMetadata run() {
    return run;
  }

  /**
   * The cursor after which the run's file listing continues.
   *
   * @return W&amp;B's cursor, or {@code null} for the start of the listing
   */
  public String cursor() {
    return cursor;
  }

  /**
   * How many files listed after {@link #cursor()} were already emitted.
   *
   * @return 0 or more
   */
  public int skip() {
    return skip;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RunSplit)) {
      return false;
    }
    RunSplit s = (RunSplit) o;
    return skip == s.skip && run.equals(s.run) && Objects.equals(cursor, s.cursor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(run, cursor, skip);
  }

  @Override
  public String toString() {
    return "RunSplit{" + run.path() + ", after " + cursor + " +" + skip + "}";
  }
}
