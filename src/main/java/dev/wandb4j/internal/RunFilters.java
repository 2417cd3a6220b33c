package dev.wandb4j.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Builds the MongoDB-style filters that W&amp;B's {@code runs(filters:)} takes, as a JSON string:
 * the typed conditions of a run query, joined with {@code $and} to any raw filter given. Internal.
 */
public final class RunFilters {
  private RunFilters() {}

  /**
   * Checks that a raw filter is one JSON object.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static void checkObject(String json) {
    try (JsonParser p = Json.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("A run filter must be a JSON object, was: " + json);
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("A run filter must be one JSON object, was: " + json);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "A run filter must be a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Joins the conditions into one filter.
   *
   * @param raw a raw filter (a JSON object), or {@code null}
   * @param states run states, any of which matches; empty for any
   * @param tags tags, any of which matches; empty for any
   * @param createdAfter only runs created after this, or {@code null}
   * @param createdBefore only runs created before this, or {@code null}
   * @param displayNameRegex a regular expression the display name must match, or {@code null}
   * @return the filter, or {@code null} when there is no condition
   */
  public static String combine(
      String raw,
      List<String> states,
      List<String> tags,
      Instant createdAfter,
      Instant createdBefore,
      String displayNameRegex) {
    int conditions =
        (raw == null ? 0 : 1)
            + (states.isEmpty() ? 0 : 1)
            + (tags.isEmpty() ? 0 : 1)
            + (createdAfter == null && createdBefore == null ? 0 : 1)
            + (displayNameRegex == null ? 0 : 1);
    if (conditions == 0) {
      return null;
    }
    if (conditions == 1 && raw != null) {
      return raw;
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("$and");
      if (raw != null) {
        g.writeRawValue(raw);
      }
      if (!states.isEmpty()) {
        anyOf(g, "state", states);
      }
      if (!tags.isEmpty()) {
        anyOf(g, "tags", tags);
      }
      if (createdAfter != null || createdBefore != null) {
        g.writeStartObject();
        g.writeObjectFieldStart("createdAt");
        if (createdAfter != null) {
          g.writeStringField("$gt", wandbTime(createdAfter));
        }
        if (createdBefore != null) {
          g.writeStringField("$lt", wandbTime(createdBefore));
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      if (displayNameRegex != null) {
        g.writeStartObject();
        g.writeObjectFieldStart("display_name");
        g.writeStringField("$regex", displayNameRegex);
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void anyOf(JsonGenerator g, String field, List<String> values) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart(field);
    g.writeArrayFieldStart("$in");
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** W&amp;B's time form: UTC, to the second, without an offset. */
  static String wandbTime(Instant t) {
    return LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).toString();
  }
}
