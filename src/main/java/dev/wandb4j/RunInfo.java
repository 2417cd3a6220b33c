package dev.wandb4j;

import dev.wandb4j.internal.RunData;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of a project as W&amp;B listed it: its path and what describes it. An immutable value;
 * {@link #run()} is the handle to list, download and delete its files.
 */
public final class RunInfo {
  private final Run run;
  private final RunData data;

  RunInfo(Run run, RunData data) {
    this.run = run;
    this.data = data;
  }

  /**
   * The run, to list and download its files.
   *
   * @return the handle
   */
  public Run run() {
    return run;
  }

  /**
   * The run's path.
   *
   * @return entity, project and run ID
   */
  public RunPath path() {
    return run.path();
  }

  /**
   * W&amp;B's opaque ID of the run (not the short ID in its path).
   *
   * @return the ID, or {@code null}
   */
  public String id() {
    return data.id();
  }

  /**
   * The name shown in W&amp;B's UI.
   *
   * @return the display name, or {@code null}
   */
  public String displayName() {
    return data.displayName();
  }

  /**
   * The run's state: {@code running}, {@code finished}, {@code crashed}, {@code failed}, {@code
   * killed} or {@code preempted}.
   *
   * @return the state, or {@code null}
   */
  public String state() {
    return data.state();
  }

  /**
   * When the run was created.
   *
   * @return the time, or {@code null}
   */
  public Instant createdAt() {
    return data.createdAt();
  }

  /**
   * The run's last sign of life.
   *
   * @return the time, or {@code null}
   */
  public Instant heartbeatAt() {
    return data.heartbeatAt();
  }

  /**
   * The run's tags.
   *
   * @return an immutable list, empty if none
   */
  public List<String> tags() {
    return data.tags();
  }

  /**
   * The run's group.
   *
   * @return the group, or {@code null}
   */
  public String group() {
    return data.group();
  }

  /**
   * The run's job type.
   *
   * @return the job type, or {@code null}
   */
  public String jobType() {
    return data.jobType();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunInfo
        && ((RunInfo) o).data.equals(data)
        && ((RunInfo) o).run.path().equals(run.path());
  }

  @Override
  public int hashCode() {
    return Objects.hash(data, run.path());
  }

  @Override
  public String toString() {
    return "RunInfo{" + run.path() + ", " + data.state() + "}";
  }
}
