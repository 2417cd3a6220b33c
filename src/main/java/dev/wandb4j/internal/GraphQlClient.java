package dev.wandb4j.internal;

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
   * Executes an operation with retries and a per-attempt timeout.
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
                  return http.postJson(
                      endpoint, body, buf -> responses.read(op, buf, dataType), what);
                })
            .timeout(http.settings().timeout());
    return http.withRetries(attempt, what);
  }
}
