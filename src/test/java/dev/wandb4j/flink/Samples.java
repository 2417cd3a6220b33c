package dev.wandb4j.flink;

import dev.wandb4j.RunPath;
import java.time.Instant;
import java.util.List;

/** Values for the serializer and record tests. */
final class Samples {
  private Samples() {}

  static RunMetadata run(String runId) {
    return new RunMetadata(
        RunPath.of("acme", "vision", runId),
        "sweep-ünï-" + runId,
        "finished",
        Instant.parse("2025-03-01T10:15:30.123456789Z"),
        List.of("best", "v2"),
        "group-1",
        "train");
  }

  static RunMetadata bareRun(String runId) {
    return new RunMetadata(
        RunPath.of("acme", "vision", runId), null, null, null, List.of(), null, null);
  }

  static FileMetadata file(String name, long size) {
    return new FileMetadata(
        "RmlsZTo" + name.hashCode(),
        name,
        size,
        "mZFLkyvTelC5g8XnyQrpOw==",
        "application/json",
        Instant.parse("2025-03-02T00:00:00Z"));
  }
}
