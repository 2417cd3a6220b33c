package dev.wandb4j.internal;

/**
 * What a download does with an existing target, what it checks, and whom it tells.
 *
 * @param replace replace an existing target
 * @param existOk accept an existing target as it is
 * @param verifyChecksum check the MD5
 * @param sync keep a target with the same size and MD5, replace any other
 * @param progress receives bytes written and total, or {@code null}
 */
public record DownloadSpec(
    boolean replace, boolean existOk, boolean verifyChecksum, boolean sync, Progress progress) {

  /** Receives progress. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Reports progress.
     *
     * @param written bytes written so far
     * @param total the file's size
     */
    void update(long written, long total);
  }
}
