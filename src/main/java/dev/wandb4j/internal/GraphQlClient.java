package dev.wandb4j.internal;

import dev.wandb4j.WandbClientListener;
import java.net.URI;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Sends GraphQL operations to {@code {base}/graphql} and reads their answers. Internal. */
public final class GraphQlClient {
  private final HttpCore http;
  private final URI endpoint;
  private final ResponseReader responses = new ResponseReader();

  public GraphQlClient(HttpCore http) {
    this.http = http;
    this.endpoint = URI.create(http.settings().baseUrl() + "/graphql");
  }

  /**
   * Executes an operation with a per-attempt timeout, which starts once the request is sent (a wait
   * for a free connection has a bound of its own). A query is retried as the client's retry
   * settings say; a mutation ({@link Operation#isIdempotent()} false) is sent once, since a
   * mutation whose answer was lost may have taken effect: its failure, translated into a {@link
   * dev.wandb4j.error.WandbException} like any other, goes to the caller, which decides what is
   * safe to do next.
   *
   * @param op the operation
   * @param variables its variables (null values are sent as JSON null)
   * @param dataType the type {@code data} is read into
   * @param what names the subject in error messages, e.g. "files of run acme/p/r"
   * @return the {@code data}, never null
   */
  public <T> Mono<T> execute(
      Operation op, Map<String, Object> variables, Class<T> dataType, String what) {
    Mono<T> attempt =
        Mono.defer(
            () -> {
              byte[] body = RequestWriter.write(op, variables);
              return http.postJson(endpoint, body, buf -> responses.read(op, buf, dataType), what);
            });
    Mono<T> call =
        op.isIdempotent()
            ? http.withRetries(attempt, what)
            : attempt.onErrorMap(e -> HttpCore.translate(e, what));
    return http.settings().events().observe(WandbClientListener.Operation.GRAPHQL, call);
  }
}
