package dev.wandb4j.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** Sends GraphQL operations to {@code {base}/graphql} and reads their answers. Internal. */
public final class GraphQlClient {
  private final HttpCore http;
  private final URI endpoint;
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

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
                  byte[] body = encode(op, variables);
                  return http.postJson(endpoint, body, buf -> parse(op, buf, dataType), what);
                })
            .timeout(http.settings().timeout());
    return http.withRetries(attempt, what);
  }

  private static byte[] encode(Operation op, Map<String, Object> variables) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("query", op.document());
    request.put("variables", variables);
    request.put("operationName", op.name());
    try {
      return Json.MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Could not encode variables of " + op.name(), e);
    }
  }

  private <T> T parse(Operation op, io.netty.buffer.ByteBuf body, Class<T> dataType) {
    Dtos.Envelope<T> envelope;
    try (InputStream in = new ByteBufInputStream(body)) {
      envelope = this.<T>reader(dataType).readValue(in);
    } catch (IOException e) {
      throw new WandbException(
          "W&B sent a response to "
              + op.name()
              + " that is not the JSON this client expects: "
              + summary(e),
          e,
          false);
    }
    if (envelope == null) {
      throw malformed(op, "the response is empty");
    }
    if (envelope.errors() != null && !envelope.errors().isEmpty()) {
      List<WandbGraphQlException.Error> errors = new ArrayList<>();
      for (Dtos.ErrorDto dto : envelope.errors()) {
        List<String> path = new ArrayList<>();
        if (dto != null && dto.path() != null) {
          for (Object p : dto.path()) {
            path.add(String.valueOf(p));
          }
        }
        errors.add(new WandbGraphQlException.Error(dto == null ? null : dto.message(), path));
      }
      throw new WandbGraphQlException(op.name(), errors);
    }
    if (envelope.data() == null) {
      throw malformed(op, "it has neither data nor errors");
    }
    return envelope.data();
  }

  static WandbException malformed(Operation op, String why) {
    return new WandbException(
        "W&B sent a response to " + op.name() + " that this client cannot use: " + why,
        null,
        false);
  }

  private static String summary(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl >= 0 ? m.substring(0, nl) : m;
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  private <T> ObjectReader reader(Class<T> dataType) {
    return readers.computeIfAbsent(
        dataType,
        t -> {
          JavaType type =
              Json.MAPPER.getTypeFactory().constructParametricType(Dtos.Envelope.class, t);
          return Json.MAPPER.readerFor(type);
        });
  }
}
