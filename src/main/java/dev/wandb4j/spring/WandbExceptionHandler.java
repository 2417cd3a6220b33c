package dev.wandb4j.spring;

import dev.wandb4j.error.WandbException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers a request that a {@link WandbException} ended, at any endpoint, with the status {@link
 * WandbErrorStatus} gives and an RFC 9457 problem body. Runs before Boot's own error handler
 * ({@link #ORDER}); an {@code @ExceptionHandler} of the application still comes first. A response
 * already under way is left to fail as it would.
 */
public final class WandbExceptionHandler implements WebExceptionHandler, Ordered {
  /** Just before Spring Boot's error handler, which is at -1: {@value}. */
  public static final int ORDER = -2;

  private static final Log log = LogFactory.getLog(WandbExceptionHandler.class);

  private final WandbErrorStatus statuses;

  /**
   * Creates a handler.
   *
   * @param statuses the status for each error
   */
  public WandbExceptionHandler(WandbErrorStatus statuses) {
    this.statuses = statuses;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
    Mono<Void> answer = answer(exchange, ex, statuses);
    return answer == null ? Mono.error(ex) : answer;
  }

  /** The problem answer for a W&amp;B error, or {@code null} if it is not one to answer. */
  static Mono<Void> answer(ServerWebExchange exchange, Throwable ex, WandbErrorStatus statuses) {
    WandbException error = WandbErrorStatus.find(ex, WandbException.class);
    if (error == null || exchange.getResponse().isCommitted()) {
      return null;
    }
    HttpStatusCode status = statuses.statusFor(error);
    if (status == null) {
      return null;
    }
    if (status.is5xxServerError()) {
      log.warn(
          exchange.getRequest().getMethod()
              + " "
              + exchange.getRequest().getPath()
              + " answered "
              + status.value()
              + ": "
              + error);
    } else if (log.isDebugEnabled()) {
      log.debug(exchange.getRequest().getPath() + " answered " + status.value() + ": " + error);
    }
    return ProblemResponses.write(exchange, status, error);
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
