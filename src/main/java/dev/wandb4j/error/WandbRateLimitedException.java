package dev.wandb4j.error;

import java.time.Duration;

/**
 * The server kept answering HTTP 429 (too many requests) after the client's retries were used up.
 * Retryable: wait at least {@link #retryAfter()} before trying again.
 */
public final class WandbRateLimitedException extends WandbHttpException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates an exception.
   *
   * @param message what happened and what to do about it
   * @param method the request method
   * @param uri the request URI, without its query string
   * @param retryAfter the server's last {@code Retry-After}, or {@code null} when it sent none
   */
  public WandbRateLimitedException(String message, String method, String uri, Duration retryAfter) {
    super(message, 429, method, uri, "", true);
    this.retryAfter = retryAfter;
  }

  /**
   * The wait the server asked for in its last {@code Retry-After} header.
   *
   * @return the requested wait, or {@code null} when the server sent none
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
