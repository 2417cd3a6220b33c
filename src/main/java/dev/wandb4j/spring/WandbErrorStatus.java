package dev.wandb4j.spring;

import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbRateLimitedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * The HTTP status an application answers with when a {@link WandbException} ends a request, used by
 * {@link WandbFileResponses} and {@link WandbExceptionHandler}. Declare a bean of this type to
 * replace {@link #defaults()}.
 */
@FunctionalInterface
public interface WandbErrorStatus {
  /**
   * The status for an error.
   *
   * @param error the error, as the client signalled it
   * @return the status, or {@code null} to leave the error to the application's other handlers
   */
  HttpStatusCode statusFor(WandbException error);

  /**
   * What a gateway answers with, by what went wrong at W&amp;B:
   *
   * <ul>
   *   <li>404 Not Found: the run or file does not exist ({@link WandbNotFoundException});
   *   <li>503 Service Unavailable, with {@code Retry-After} when W&amp;B sent one: W&amp;B is rate
   *       limiting ({@link dev.wandb4j.error.WandbRateLimitedException});
   *   <li>504 Gateway Timeout: W&amp;B or its storage did not answer in time ({@link
   *       WandbConnectionException#isTimeout()});
   *   <li>502 Bad Gateway: anything else, an error answer after retries, a refused or missing API
   *       key (the application's credentials, not the caller's), a connection that failed, a
   *       transfer that could not be verified.
   * </ul>
   *
   * A {@link dev.wandb4j.error.WandbDeleteException} is answered by its cause.
   *
   * @return the default mapping
   */
  static WandbErrorStatus defaults() {
    return error -> {
      if (find(error, WandbNotFoundException.class) != null) {
        return HttpStatus.NOT_FOUND;
      }
      if (find(error, WandbRateLimitedException.class) != null) {
        return HttpStatus.SERVICE_UNAVAILABLE;
      }
      WandbConnectionException connection = find(error, WandbConnectionException.class);
      if (connection != null && connection.isTimeout()) {
        return HttpStatus.GATEWAY_TIMEOUT;
      }
      return HttpStatus.BAD_GATEWAY;
    };
  }

  /** The first error of this type in the chain of causes, or {@code null}. */
  static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
