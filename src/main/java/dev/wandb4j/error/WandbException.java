package dev.wandb4j.error;

/**
 * The root of every error that wandb4j signals.
 *
 * <p>Unchecked, so that it travels through Reactor pipelines unchanged. Subclasses say what the
 * caller can do next; {@link #isRetryable()} says whether trying the same operation again later may
 * succeed. Messages never contain the API key or the query string of a signed URL.
 */
public class WandbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * Creates an exception.
   *
   * @param message what happened and what to do about it
   * @param cause the underlying cause, or {@code null}
   * @param retryable whether the same operation may succeed if tried again
   */
  public WandbException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * Creates a non-retryable exception.
   *
   * @param message what happened and what to do about it
   */
  public WandbException(String message) {
    this(message, null, false);
  }

  /**
   * Whether trying the same operation again later may succeed (a timeout, a dropped connection, a
   * server error), as opposed to a failure that will repeat (bad credentials, a missing run).
   *
   * @return {@code true} if a retry may succeed
   */
  public boolean isRetryable() {
    return retryable;
  }
}
