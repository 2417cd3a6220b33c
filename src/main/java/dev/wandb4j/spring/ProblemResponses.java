package dev.wandb4j.spring;

import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbRateLimitedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a failed request with an RFC 9457 problem ({@code application/problem+json}). The detail
 * says what went wrong in general terms: the exception's message, which names W&amp;B's hosts, runs
 * and files, stays in the application's log.
 */
final class ProblemResponses {
  private ProblemResponses() {}

  static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, WandbException error) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(status);
    HttpHeaders headers = response.getHeaders();
    WandbRateLimitedException limited =
        WandbErrorStatus.find(error, WandbRateLimitedException.class);
    if (limited != null
        && limited.retryAfter() != null
        && (status.value() == 503 || status.value() == 429)) {
      headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds(limited.retryAfter())));
    }
    headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    byte[] body =
        json(status, exchange.getRequest().getPath().value()).getBytes(StandardCharsets.UTF_8);
    headers.setContentLength(body.length);
    if (HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
      return response.setComplete();
    }
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }

  /** Whole seconds, rounded up, as {@code Retry-After} takes them. */
  static long seconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(0, s);
  }

  static String json(HttpStatusCode status, String path) {
    HttpStatus known = HttpStatus.resolve(status.value());
    String title = known == null ? "Error" : known.getReasonPhrase();
    return "{\"type\":\"about:blank\",\"title\":"
        + quote(title)
        + ",\"status\":"
        + status.value()
        + ",\"detail\":"
        + quote(detail(status.value()))
        + ",\"instance\":"
        + quote(path)
        + "}";
  }

  static String detail(int status) {
    switch (status) {
      case 404:
        return "W&B has no such run or file.";
      case 503:
        return "W&B is limiting the rate of requests; try again later.";
      case 504:
        return "W&B did not answer in time.";
      case 502:
        return "W&B could not be reached, refused the request or failed.";
      default:
        return "The request to W&B failed.";
    }
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
