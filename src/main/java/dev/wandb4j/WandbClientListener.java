package dev.wandb4j;

import reactor.util.context.ContextView;

/**
 * Hears what a client does, for metrics and tracing. Every method has an empty default; calls come
 * on I/O threads and must be quick and must not block. An exception thrown by a listener is
 * ignored. Each call carries the Reactor context of the subscriber whose operation it reports, so a
 * listener can find what the caller put there (a trace, a tenant, a request id). A client may have
 * several listeners; each hears every event. The Spring integration registers one that feeds
 * Micrometer's counters and one that makes each operation a Micrometer observation.
 */
public interface WandbClientListener {
  /** What a client was doing. */
  enum Operation {
    /** A GraphQL request: a page, a count, a lookup, a deletion. */
    GRAPHQL,
    /** A file download or stream. */
    DOWNLOAD,
    /** A file upload. */
    UPLOAD
  }

  /**
   * An operation starts: one GraphQL call (a page, a count, a lookup, a deletion; its retries
   * included) or one transfer (a download to disk or a {@code content()} stream, resumptions and
   * retries included). The operation calls exactly one method of the returned {@link Completion},
   * once, when it ends; a timer or a tracing span can start here and stop there.
   *
   * @param operation what starts
   * @param context the context of the operation's subscriber
   * @return what hears the end of the operation; {@link Completion#NONE} to ignore it
   */
  default Completion operationStarted(Operation operation, ContextView context) {
    return Completion.NONE;
  }

  /**
   * A page of a listing arrived.
   *
   * @param files how many files it held
   * @param context the context of the listing's subscriber
   */
  default void pageFetched(int files, ContextView context) {}

  /**
   * Bytes of a file arrived (written to disk, or handed to a {@code content()} subscriber).
   *
   * @param bytes how many
   * @param context the context of the download's subscriber
   */
  default void bytesDownloaded(long bytes, ContextView context) {}

  /**
   * An attempt failed and will be retried.
   *
   * @param operation what was tried
   * @param cause why the attempt failed
   * @param context the context of the operation's subscriber
   */
  default void retried(Operation operation, Throwable cause, ContextView context) {}

  /**
   * An operation failed for good, after any retries.
   *
   * @param operation what failed
   * @param error the error its caller sees
   * @param context the context of the operation's subscriber
   */
  default void failed(Operation operation, Throwable error, ContextView context) {}

  /**
   * Hears how one operation ended: exactly one of its methods is called, once, on whatever thread
   * the operation ended on. Each has an empty default.
   */
  interface Completion {
    /** Ignores the end. */
    Completion NONE = new Completion() {};

    /** The operation succeeded. */
    default void succeeded() {}

    /**
     * The operation failed, after any retries.
     *
     * @param error the error its caller sees
     */
    default void failed(Throwable error) {}

    /** The caller cancelled the operation before it ended. */
    default void cancelled() {}
  }
}
