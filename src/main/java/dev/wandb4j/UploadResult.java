package dev.wandb4j;

import java.nio.file.Path;

/**
 * What a bulk upload did with one local file.
 *
 * @param path the local file
 * @param name its name in the run
 * @param status what happened
 * @param file the file as W&amp;B now lists it (uploaded or unchanged); {@code null} when it failed
 * @param bytes bytes sent for it (0 when unchanged or failed)
 * @param error why it failed, or {@code null}
 */
public record UploadResult(
    Path path, String name, Status status, File file, long bytes, Throwable error) {
  /** What a bulk upload did with one file. */
  public enum Status {
    /** Sent, and listed by W&amp;B with the local file's size and MD5. */
    UPLOADED,
    /** Left alone because W&amp;B already lists it with the same size and MD5 ({@code sync}). */
    SKIPPED_UNCHANGED,
    /** Not uploaded, or not intact; {@link UploadResult#error()} says why. */
    FAILED
  }

  /**
   * Whether the file failed.
   *
   * @return {@code true} for {@link Status#FAILED}
   */
  public boolean isFailed() {
    return status == Status.FAILED;
  }
}
