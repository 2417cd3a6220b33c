package dev.wandb4j.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.scheduler.Schedulers;

/** Turns the body of a GraphQL answer into its typed {@code data}. Thread-safe. Internal. */
final class ResponseReader {
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
  private final Set<Class<?>> preparing = ConcurrentHashMap.newKeySet();

  /**
   * Reads a GraphQL answer: its {@code data}, or the typed error its {@code errors} describe.
   *
   * @throws WandbGraphQlException if W&amp;B answered with errors
   * @throws WandbException if the body is not the JSON this client expects
   */
  <T> T read(Operation op, ByteBuf body, Class<T> dataType) {
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

  /**
   * Builds the reader for {@code dataType} in the background, once, if no reader exists yet: the
   * first reader costs a tenth of a second of set-up that can overlap the first request. The caller
   * never waits for it; a response that arrives first builds its own.
   */
  void prepare(Class<?> dataType) {
    if (readers.containsKey(dataType) || !preparing.add(dataType)) {
      return;
    }
    try {
      Schedulers.boundedElastic()
          .schedule(
              () -> {
                try {
                  readers.putIfAbsent(dataType, newReader(dataType));
                } catch (RuntimeException e) {
                  // Reading builds (and reports) the reader itself.
                }
              });
    } catch (RejectedExecutionException shuttingDown) {
      // Reading builds the reader itself.
    }
  }

  private static ObjectReader newReader(Class<?> dataType) {
    JavaType type =
        Json.MAPPER.getTypeFactory().constructParametricType(Dtos.Envelope.class, dataType);
    return Json.MAPPER.readerFor(type);
  }

  private <T> ObjectReader reader(Class<T> dataType) {
    return readers.computeIfAbsent(dataType, ResponseReader::newReader);
  }
}
