package dev.wandb4j.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;

/**
 * Writes GraphQL requests with Jackson's streaming generator. Requests are a document and a few
 * variables of simple types, and writing them this way keeps Jackson's object mapper, whose first
 * use is costly, off the path to the first request.
 */
final class RequestWriter {

  private RequestWriter() {}

  /**
   * The request body for an operation.
   *
   * @throws IllegalArgumentException if a variable is not a string, number, boolean, null, list or
   *     map of those
   */
  static byte[] write(Operation op, Map<String, Object> variables) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(op.document().length() + 256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("query", op.document());
      g.writeFieldName("variables");
      value(g, variables, op);
      g.writeStringField("operationName", op.name());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void value(JsonGenerator g, Object v, Operation op) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        value(g, e.getValue(), op);
      }
      g.writeEndObject();
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object item : c) {
        value(g, item, op);
      }
      g.writeEndArray();
    } else {
      throw new IllegalArgumentException(
          "Could not encode variables of " + op.name() + ": unsupported " + v.getClass());
    }
  }
}
