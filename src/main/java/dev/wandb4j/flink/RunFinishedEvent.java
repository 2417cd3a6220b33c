package dev.wandb4j.flink;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceEvent;

/** A reader's word to the enumerator that it emitted the last selected file of a run. */
final class RunFinishedEvent implements SourceEvent {
  private static final long serialVersionUID = 1L;

  private final String runId;

  RunFinishedEvent(String runId) {
    this.runId = Objects.requireNonNull(runId, "runId");
  }

  String runId() {
    return runId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunFinishedEvent && ((RunFinishedEvent) o).runId.equals(runId);
  }

  @Override
  public int hashCode() {
    return runId.hashCode();
  }

  @Override
  public String toString() {
    return "RunFinishedEvent{" + runId + "}";
  }
}
