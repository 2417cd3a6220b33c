package dev.wandb4j.error;

/**
 * What was asked for does not exist: the entity, project or run is unknown (a null {@code project}
 * or {@code run} in the answer, or HTTP 404), or the run has no file of that name. Not retried.
 */
public final class WandbNotFoundException extends WandbException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was not found, naming the run path or file
   */
  public WandbNotFoundException(String message) {
    super(message, null, false);
  }

  /**
   * Creates an exception with the error that said so.
   *
   * @param message what was not found, naming the run path or file
   * @param cause the server's own answer, e.g. a {@link WandbGraphQlException}
   */
  public WandbNotFoundException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
