package dev.wandb4j;

import java.util.Objects;
import reactor.util.context.ContextView;

/**
 * How far one file's download has come. Delivered to a {@link DownloadOptions#progress()} callback
 * off the client's I/O threads, one call at a time.
 */
public final class DownloadProgress {
  private final File file;
  private final long bytesWritten;
  private final long totalBytes;
  private final ContextView context;

  DownloadProgress(File file, long bytesWritten, long totalBytes, ContextView context) {
    this.file = file;
    this.bytesWritten = bytesWritten;
    this.totalBytes = totalBytes;
    this.context = context;
  }

  /**
   * The file being downloaded.
   *
   * @return the file
   */
  public File file() {
    return file;
  }

  /**
   * Bytes written to disk so far, from the start of the file.
   *
   * @return the count
   */
  public long bytesWritten() {
    return bytesWritten;
  }

  /**
   * The file's size as W&amp;B reports it.
   *
   * @return the size
   */
  public long totalBytes() {
    return totalBytes;
  }

  /**
   * The Reactor context of the download's subscriber, e.g. to find a trace or a request id that the
   * caller put there with {@code contextWrite}.
   *
   * @return the context
   */
  public ContextView context() {
    return context;
  }

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

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DownloadProgress)) {
      return false;
    }
    DownloadProgress p = (DownloadProgress) o;
    return bytesWritten == p.bytesWritten && totalBytes == p.totalBytes && file.equals(p.file);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, bytesWritten, totalBytes);
  }

  @Override
  public String toString() {
    return "DownloadProgress{" + file.name() + ", " + bytesWritten + "/" + totalBytes + "}";
  }
}
