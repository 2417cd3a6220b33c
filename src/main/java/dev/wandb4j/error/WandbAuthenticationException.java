package dev.wandb4j.error;

/**
 * The W&amp;B API refused the credentials (HTTP 401 or 403): the API key is missing, wrong,
 * revoked, or lacks access to the entity or project. Not retried.
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
}
