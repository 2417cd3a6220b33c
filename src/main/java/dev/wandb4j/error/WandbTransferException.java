package dev.wandb4j.error;

/**
 * A file transfer failed in a way the client detected: the bytes did not match the size or MD5 that
 * W&amp;B reported, the connection closed early and could not be resumed, the server sent more or
 * other bytes than asked for, the disk refused a write, or the file's name was refused because it
 * would escape the download root. Whatever happened, nothing half-written is left at the final
 * path.
 */
public final class WandbTransferException extends WandbException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what happened, naming the file and, for mismatches, expected and actual values
   * @param cause the underlying cause, or {@code null}
   * @param retryable whether downloading again may succeed
   */
  public WandbTransferException(String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }

  /**
   * Creates a non-retryable exception.
   *
   * @param message what happened
   */
  public WandbTransferException(String message) {
    this(message, null, false);
  }
}
