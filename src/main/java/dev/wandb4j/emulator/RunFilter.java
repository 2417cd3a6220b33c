package dev.wandb4j.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * W&amp;B's MongoDB-style run filters, as the emulator evaluates them: field equality (for a list
 * such as {@code tags}, "contains"), {@code $and}, {@code $or}, {@code $nor}, {@code $in}, {@code
 * $nin}, {@code $ne}, {@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}, {@code $regex} and
 * {@code $exists}. Fields are those of {@link EmulatedRun#document()}.
 */
final class RunFilter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunFilter() {}

  /**
   * Compiles a filter.
   *
   * @param json the filter, or {@code null} or {@code {}} for every run
   * @throws IllegalArgumentException if it is not a JSON object or uses an unknown operator
   */
  static Predicate<Map<String, Object>> compile(String json) {
    if (json == null || json.isBlank()) {
      return doc -> true;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("filters is not JSON: " + e.getMessage());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("filters must be a JSON object");
    }
    return object(root);
  }

  private static Predicate<Map<String, Object>> object(JsonNode node) {
    Predicate<Map<String, Object>> all = doc -> true;
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      all = all.and(clause(f.getKey(), f.getValue()));
    }
    return all;
  }

  private static Predicate<Map<String, Object>> clause(String key, JsonNode value) {
    switch (key) {
      case "$and":
        return list(value).stream().map(RunFilter::object).reduce(d -> true, Predicate::and);
      case "$or":
        return list(value).stream().map(RunFilter::object).reduce(d -> false, Predicate::or);
      case "$nor":
        return list(value).stream()
            .map(RunFilter::object)
            .reduce(d -> false, Predicate::or)
            .negate();
      default:
        if (key.startsWith("$")) {
          throw new IllegalArgumentException("unknown operator " + key);
        }
        return field(key, value);
    }
  }

  private static List<JsonNode> list(JsonNode value) {
    if (!value.isArray()) {
      throw new IllegalArgumentException("$and, $or and $nor take an array");
    }
    List<JsonNode> out = new java.util.ArrayList<>();
    value.forEach(out::add);
    return out;
  }

  private static Predicate<Map<String, Object>> field(String key, JsonNode condition) {
    if (!condition.isObject()
        || !condition.fieldNames().hasNext()
        || !condition.fieldNames().next().startsWith("$")) {
      return doc -> equal(value(doc, key), condition);
    }
    Predicate<Map<String, Object>> all = doc -> true;
    for (Map.Entry<String, JsonNode> op : condition.properties()) {
      JsonNode arg = op.getValue();
      Predicate<Object> test;
      switch (op.getKey()) {
        case "$eq":
          test = v -> equal(v, arg);
          break;
        case "$ne":
          test = v -> !equal(v, arg);
          break;
        case "$in":
          test = v -> list(arg).stream().anyMatch(a -> equal(v, a));
          break;
        case "$nin":
          test = v -> list(arg).stream().noneMatch(a -> equal(v, a));
          break;
        case "$gt":
          test = v -> compare(v, arg) > 0;
          break;
        case "$gte":
          test = v -> compare(v, arg) >= 0;
          break;
        case "$lt":
          test = v -> compare(v, arg) < 0 && v != null;
          break;
        case "$lte":
          test = v -> compare(v, arg) <= 0 && v != null;
          break;
        case "$regex":
          Pattern p = Pattern.compile(arg.asText());
          test = v -> v != null && p.matcher(String.valueOf(v)).find();
          break;
        case "$exists":
          test = v -> (v != null) == arg.asBoolean();
          break;
        default:
          throw new IllegalArgumentException("unknown operator " + op.getKey());
      }
      all = all.and(doc -> test.test(value(doc, key)));
    }
    return all;
  }

  /** A field of the document; dotted keys walk into maps ({@code config.lr.value}). */
  private static Object value(Map<String, Object> doc, String key) {
    if (doc.containsKey(key)) {
      return doc.get(key);
    }
    Object current = doc;
    for (String part : key.split("\\.")) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = ((Map<?, ?>) current).get(part);
    }
    return current;
  }

  private static boolean equal(Object v, JsonNode arg) {
    if (v instanceof List) {
      return ((List<?>) v).stream().anyMatch(item -> equal(item, arg));
    }
    if (v == null) {
      return arg.isNull();
    }
    if (v instanceof Number && arg.isNumber()) {
      return ((Number) v).doubleValue() == arg.asDouble();
    }
    if (v instanceof Boolean && arg.isBoolean()) {
      return v.equals(arg.asBoolean());
    }
    return arg.isTextual() && String.valueOf(v).equals(arg.asText());
  }

  /** Numbers as numbers, everything else (W&amp;B's times included) as text. */
  private static int compare(Object v, JsonNode arg) {
    if (v == null) {
      return -1;
    }
    if (v instanceof Number && arg.isNumber()) {
      return Double.compare(((Number) v).doubleValue(), arg.asDouble());
    }
    return String.valueOf(v).compareTo(arg.asText());
  }
}
