package dev.wandb4j.error;

/**
 * Deleting files stopped at an error. The files counted by {@link #deletedCount()} were deleted
 * before it and stay deleted; the others of the {@link #requestedCount()} may still be there. The
 * {@linkplain #getCause() cause} is the error that stopped it, typed as usual (a {@link
 * WandbAuthenticationException}, a {@link WandbGraphQlException}, a {@link
 * WandbConnectionException} once checks and retries were used up...).
 *
 * <p>Retryable when its cause is: deleting the same selection again deletes only what is left.
 */
public final class WandbDeleteException extends WandbException {
  private static final long serialVersionUID = 1L;

  private final long deletedCount;
  private final long requestedCount;

  /**
   * Creates an exception.
   *
   * @param message what happened, with the counts
   * @param deletedCount the files deleted before the error
   * @param requestedCount the files the deletion was asked for
   * @param cause the error that stopped the deletion
   */
  public WandbDeleteException(
      String message, long deletedCount, long requestedCount, Throwable cause) {
    super(
        message, cause, cause instanceof WandbException && ((WandbException) cause).isRetryable());
    this.deletedCount = deletedCount;
    this.requestedCount = requestedCount;
  }

  /**
   * How many files were deleted before the error: those W&amp;B confirmed deleted, and those found
   * gone when the client checked after a deletion whose answer was lost.
   *
   * @return the count, from 0 to {@link #requestedCount()}
   */
  public long deletedCount() {
    return deletedCount;
  }

  /**
   * How many distinct files the deletion was asked for.
   *
   * @return the count
   */
  public long requestedCount() {
    return requestedCount;
  }
}
