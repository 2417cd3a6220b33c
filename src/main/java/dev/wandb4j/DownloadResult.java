package dev.wandb4j;

import java.nio.file.Path;

/**
 * What a bulk download did with one file.
 *
 * @param file the file
 * @param status what happened
 * @param path where the file is (or would be) on disk; {@code null} when its name was refused
 * @param bytes bytes downloaded for it (0 when skipped or failed)
 * @param error why it failed, or {@code null}
 */
public record DownloadResult(File file, Status status, Path path, long bytes, Throwable error) {
  /** What a bulk download did with one file. */
  public enum Status {
    /** Downloaded and verified. */
    DOWNLOADED,
    /** Left alone because the target exists and {@code existOk} was set. */
    SKIPPED_EXISTS,
    /** Left alone because the local file already has the same size and MD5 ({@code sync}). */
    SKIPPED_UNCHANGED,
    /** Not downloaded; {@link DownloadResult#error()} says why. */
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
