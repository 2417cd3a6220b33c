package dev.wandb4j;

/**
 * Hears what a client does, for metrics and tracing. Every method has an empty default; calls come
 * on I/O threads and must be quick and must not block. An exception thrown by a listener is
 * ignored. The Spring integration registers one that feeds Micrometer.
 */
public interface WandbClientListener {
  /** What a client was doing. */
  enum Operation {
    /** A GraphQL request: a page, a count, a lookup, a deletion. */
    GRAPHQL,
    /** A file download or stream. */
    DOWNLOAD
  }

  /**
   * A page of a listing arrived.
   *
   * @param files how many files it held
   */
  default void pageFetched(int files) {}

  /**
   * Bytes of a file arrived (written to disk, or handed to a {@code content()} subscriber).
   *
   * @param bytes how many
   */
  default void bytesDownloaded(long bytes) {}

  /**
   * An attempt failed and will be retried.
   *
   * @param operation what was tried
   * @param cause why the attempt failed
   */
  default void retried(Operation operation, Throwable cause) {}

  /**
   * An operation failed for good, after any retries.
   *
   * @param operation what failed
   * @param error the error its caller sees
   */
  default void failed(Operation operation, Throwable error) {}
}
