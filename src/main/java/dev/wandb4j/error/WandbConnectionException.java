package dev.wandb4j.error;

/**
 * The client could not complete an exchange with the server: the connection was refused, reset or
 * closed early, or an attempt timed out ({@link #isTimeout()}), and retries did not help.
 * Retryable: the server may be reachable later.
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

  /**
   * Whether the exchange failed because the server did not answer in time (no connection within the
   * connect timeout, no response within the timeout, no byte within the read timeout), as opposed
   * to a refused, reset or closed connection.
   *
   * @return {@code true} for a timeout
   */
  public boolean isTimeout() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException
          || t instanceof io.netty.handler.timeout.TimeoutException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
