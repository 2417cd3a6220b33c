package dev.wandb4j.error;

/**
 * The W&amp;B API refused the credentials (HTTP 401 or 403): the API key is missing, wrong,
 * revoked, or lacks access to the entity or project; or no key was found at all (status 0), in
 * which case no request was sent. Not retried.
 */
public final class WandbAuthenticationException extends WandbHttpException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what happened and what to do about it
   * @param status the HTTP status (401 or 403)
   * @param method the request method
   * @param uri the request URI, without its query string
   * @param bodyExcerpt a bounded excerpt of the response body, or an empty string
   */
  public WandbAuthenticationException(
      String message, int status, String method, String uri, String bodyExcerpt) {
    super(message, status, method, uri, bodyExcerpt, false);
  }

  /**
   * Creates an exception for a key that was never sent: none was found. {@link #status()} is 0, and
   * method and URI are empty.
   *
   * @param message what is missing and how to provide it
   */
  public WandbAuthenticationException(String message) {
    super(message, 0, "", "", "", false);
  }
}
