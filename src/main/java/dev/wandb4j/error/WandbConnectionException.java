package dev.wandb4j.error;

/**
 * The client could not complete an exchange with the server: the connection was refused, reset or
 * closed early, or an attempt timed out, and retries did not help. Retryable: the server may be
 * reachable later.
 */
public final class WandbConnectionException extends WandbException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, naming the request without its query string
   * @param cause the transport's exception
   */
  public WandbConnectionException(String message, Throwable cause) {
    super(message, cause, true);
  }

  /**
   * Creates an exception that may or may not pass if tried again.
   *
   * @param message what failed, naming the request without its query string
   * @param cause the transport's exception
   * @param retryable whether trying again may succeed (a refused certificate will not)
   */
  public WandbConnectionException(String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }
}
