package dev.wandb4j.flink;

import dev.wandb4j.RunInfo;
import dev.wandb4j.RunPath;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What W&amp;B said of a run when the source listed it: its path, state, names, tags and creation
 * time. An immutable value, carried in each {@link WandbFileRecord} and in the source's
 * checkpoints.
 */
public final class RunMetadata {
  private final RunPath path;
  private final String displayName;
  private final String state;
  private final Instant createdAt;
  private final List<String> tags;
  private final String group;
  private final String jobType;

  RunMetadata(
      RunPath path,
      String displayName,
      String state,
      Instant createdAt,
      List<String> tags,
      String group,
      String jobType) {
    this.path = Objects.requireNonNull(path, "path");
    this.displayName = displayName;
    this.state = state;
    this.createdAt = createdAt;
    this.tags = List.copyOf(tags);
    this.group = group;
    this.jobType = jobType;
  }

  static RunMetadata of(RunInfo run) {
    return new RunMetadata(
        run.path(),
        run.displayName(),
        run.state(),
        run.createdAt(),
        run.tags(),
        run.group(),
        run.jobType());
  }

  /**
   * The run's path.
   *
   * @return entity, project and run ID
   */
  public RunPath path() {
    return path;
  }

  /**
   * The run's short ID, as in its path and URL.
   *
   * @return the ID
   */
  public String runId() {
    return path.runId();
  }

  /**
   * The name shown in W&amp;B's UI.
   *
   * @return the display name, or {@code null}
   */
  public String displayName() {
    return displayName;
  }

  /**
   * The run's state when it was listed, e.g. {@code finished} or {@code running}.
   *
   * @return the state, or {@code null}
   */
  public String state() {
    return state;
  }

  /**
   * When the run was created.
   *
   * @return the time, or {@code null}
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * The run's tags.
   *
   * @return an immutable list, empty if none
   */
  public List<String> tags() {
    return tags;
  }

  /**
   * The run's group.
   *
   * @return the group, or {@code null}
   */
  public String group() {
    return group;
  }

  /**
   * The run's job type.
   *
   * @return the job type, or {@code null}
   */
  public String jobType() {
    return jobType;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RunMetadata)) {
      return false;
    }
    RunMetadata r = (RunMetadata) o;
    return path.equals(r.path)
        && Objects.equals(displayName, r.displayName)
        && Objects.equals(state, r.state)
        && Objects.equals(createdAt, r.createdAt)
        && tags.equals(r.tags)
        && Objects.equals(group, r.group)
        && Objects.equals(jobType, r.jobType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, displayName, state, createdAt, tags, group, jobType);
  }

  @Override
  public String toString() {
    return "RunMetadata{" + path + ", " + state + "}";
  }
}
