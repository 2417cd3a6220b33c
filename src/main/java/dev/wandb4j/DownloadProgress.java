package dev.wandb4j;

/**
 * How far one file's download has come.
 *
 * @param file the file being downloaded
 * @param bytesWritten bytes written to disk so far
 * @param totalBytes the file's size as W&amp;B reports it
 */
public record DownloadProgress(File file, long bytesWritten, long totalBytes) {
  /**
   * The fraction done, from 0 to 1; 1 for an empty file.
   *
   * @return the fraction
   */
  public double fraction() {
    return totalBytes <= 0 ? 1.0 : Math.min(1.0, (double) bytesWritten / totalBytes);
  }

  /**
   * Whether the file is complete and in place.
   *
   * @return {@code true} at 100%
   */
  public boolean isDone() {
    return bytesWritten >= totalBytes;
  }
}
