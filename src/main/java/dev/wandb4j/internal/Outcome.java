package dev.wandb4j.internal;

import java.nio.file.Path;

/**
 * What a download did.
 *
 * @param path the final path
 * @param kind downloaded, or kept as it was
 * @param bytes bytes written (0 when kept)
 */
public record Outcome(Path path, Kind kind, long bytes) {
  /** Downloaded, or kept as it was. */
  public enum Kind {
    DOWNLOADED,
    EXISTED,
    UNCHANGED
  }
}
