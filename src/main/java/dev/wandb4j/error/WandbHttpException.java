package dev.wandb4j.error;

/**
 * The server answered with an HTTP status the client could not turn into a result, after any
 * retries. Carries the status, the method, the URI without its query string (signed URLs keep their
 * secrets), and a bounded excerpt of the response body.
 */
public class WandbHttpException extends WandbException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String method;
  private final String uri;
  private final String bodyExcerpt;

  /**
   * Creates an exception; retryable for 5xx statuses except 501.
   *
   * @param message what happened and what to do about it
   * @param status the HTTP status
   * @param method the request method
   * @param uri the request URI, without its query string
   * @param bodyExcerpt a bounded excerpt of the response body, or an empty string
   */
  public WandbHttpException(
      String message, int status, String method, String uri, String bodyExcerpt) {
    this(message, status, method, uri, bodyExcerpt, status >= 500 && status != 501);
  }

  WandbHttpException(
      String message,
      int status,
      String method,
      String uri,
      String bodyExcerpt,
      boolean retryable) {
    super(message, null, retryable);
    this.status = status;
    this.method = method;
    this.uri = uri;
    this.bodyExcerpt = bodyExcerpt == null ? "" : bodyExcerpt;
  }

  /**
   * The HTTP status of the last response.
   *
   * @return the status code
   */
  public int status() {
    return status;
  }

  /**
   * The request method.
   *
   * @return e.g. {@code GET} or {@code POST}
   */
  public String method() {
    return method;
  }

  /**
   * The request URI without its query string.
   *
   * @return the URI, safe to log
   */
  public String uri() {
    return uri;
  }

  /**
   * The start of the response body, bounded in length; empty when there was none.
   *
   * @return the excerpt
   */
  public String bodyExcerpt() {
    return bodyExcerpt;
  }
}
