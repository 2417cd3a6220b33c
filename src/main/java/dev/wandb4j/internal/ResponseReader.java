package dev.wandb4j.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the body of a GraphQL answer into its typed {@code data}, reading it token by token with
 * Jackson's streaming parser: no data binding, so nothing to set up before the first answer can be
 * read (binding's first read costs a fresh JVM over a tenth of a second). Unknown fields are
 * skipped; a known field of the wrong type is an error that names it; nesting depth and string
 * length are bounded by {@link Json#FACTORY}. Stateless and thread-safe. Internal.
 */
final class ResponseReader {

  /**
   * Reads a GraphQL answer: its {@code data}, or the typed error its {@code errors} describe.
   *
   * @param dataType {@link Dtos.ProjectData} or {@link Dtos.DeleteData}
   * @throws WandbGraphQlException if W&amp;B answered with errors
   * @throws WandbException if the body is not the JSON this client expects
   */
  <T> T read(Operation op, ByteBuf body, Class<T> dataType) {
    Dtos.Envelope<T> envelope;
    try (InputStream in = new ByteBufInputStream(body);
        JsonParser p = Json.FACTORY.createParser(in)) {
      envelope = envelope(p, dataType);
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

  // ---- the envelope: {"data": ..., "errors": [...]}; null for an empty body or a JSON null

  private static <T> Dtos.Envelope<T> envelope(JsonParser p, Class<T> dataType) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null || first == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "the response");
    T data = null;
    List<Dtos.ErrorDto> errors = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("data")) {
        data = data(p, dataType);
      } else if (field.equals("errors")) {
        errors = errors(p);
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.Envelope<>(data, errors);
  }

  private static <T> T data(JsonParser p, Class<T> dataType) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (dataType == Dtos.ProjectData.class) {
      return dataType.cast(projectData(p));
    }
    if (dataType == Dtos.DeleteData.class) {
      return dataType.cast(deleteData(p));
    }
    if (dataType == Dtos.MutationFieldsData.class) {
      return dataType.cast(mutationFields(p));
    }
    if (dataType == Dtos.UploadUrlsData.class) {
      return dataType.cast(uploadUrls(p));
    }
    throw new IllegalArgumentException("No reader for " + dataType);
  }

  private static List<Dtos.ErrorDto> errors(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectArray(p, "errors");
    List<Dtos.ErrorDto> errors = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        errors.add(null);
        continue;
      }
      String message = null;
      List<Object> path = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("message") && value.isScalarValue()) {
          message = value == JsonToken.VALUE_NULL ? null : p.getText();
        } else if (field.equals("path") && value == JsonToken.START_ARRAY) {
          path = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            path.add(p.currentToken().isScalarValue() ? p.getText() : "?");
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      errors.add(new Dtos.ErrorDto(message, path));
    }
    return errors;
  }

  // ---- data of RunFiles and RunFileCount: {"project": {"run": {...}}}

  private static Dtos.ProjectData projectData(JsonParser p) throws IOException {
    expectObject(p, "data");
    Dtos.ProjectDto project = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("project")) {
        project = project(p);
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.ProjectData(project);
  }

  private static Dtos.ProjectDto project(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "project");
    Dtos.RunDto run = null;
    Long runCount = null;
    Dtos.ConnectionDto<Dtos.RunNodeDto> runs = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "run":
          run = run(p);
          break;
        case "runCount":
          runCount = number(p, field);
          break;
        case "runs":
          runs = connection(p, "runs", ResponseReader::runNode);
          break;
        default:
          p.skipChildren();
      }
    }
    return new Dtos.ProjectDto(run, runCount, runs);
  }

  private static Dtos.RunNodeDto runNode(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "node");
    String id = null;
    String name = null;
    String displayName = null;
    String state = null;
    String createdAt = null;
    String heartbeatAt = null;
    List<String> tags = null;
    String group = null;
    String jobType = null;
    Long projectId = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id":
          id = text(p, field);
          break;
        case "name":
          name = text(p, field);
          break;
        case "displayName":
          displayName = text(p, field);
          break;
        case "state":
          state = text(p, field);
          break;
        case "createdAt":
          createdAt = text(p, field);
          break;
        case "heartbeatAt":
          heartbeatAt = text(p, field);
          break;
        case "tags":
          tags = strings(p, field);
          break;
        case "group":
          group = text(p, field);
          break;
        case "jobType":
          jobType = text(p, field);
          break;
        case "projectId":
          projectId = number(p, field);
          break;
        default:
          p.skipChildren();
      }
    }
    return new Dtos.RunNodeDto(
        id, name, displayName, state, createdAt, heartbeatAt, tags, group, jobType, projectId);
  }

  private static List<String> strings(JsonParser p, String field) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectArray(p, field);
    List<String> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String v = text(p, field);
      if (v != null) {
        values.add(v);
      }
    }
    return values;
  }

  private static Dtos.RunDto run(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "run");
    Long projectId = null;
    Long fileCount = null;
    Dtos.ConnectionDto<Dtos.FileNodeDto> files = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "projectId":
          projectId = number(p, field);
          break;
        case "fileCount":
          fileCount = number(p, field);
          break;
        case "files":
          files = connection(p, "files", ResponseReader::node);
          break;
        default:
          p.skipChildren();
      }
    }
    return new Dtos.RunDto(projectId, fileCount, files);
  }

  /** Reads one node of a connection; {@code null} for a JSON null. */
  @FunctionalInterface
  private interface NodeReader<N> {
    N read(JsonParser p) throws IOException;
  }

  /** A Relay connection: {"edges": [{"node": {...}, "cursor": ...}], "pageInfo": {...}}. */
  private static <N> Dtos.ConnectionDto<N> connection(
      JsonParser p, String what, NodeReader<N> nodes) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, what);
    List<Dtos.EdgeDto<N>> edges = null;
    Dtos.PageInfoDto pageInfo = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("edges")) {
        edges = edges(p, nodes);
      } else if (field.equals("pageInfo")) {
        pageInfo = pageInfo(p);
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.ConnectionDto<>(edges, pageInfo);
  }

  private static <N> List<Dtos.EdgeDto<N>> edges(JsonParser p, NodeReader<N> nodes)
      throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectArray(p, "edges");
    List<Dtos.EdgeDto<N>> edges = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        edges.add(null);
        continue;
      }
      expectObject(p, "an edge");
      N node = null;
      String cursor = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("node")) {
          node = nodes.read(p);
        } else if (field.equals("cursor")) {
          cursor = text(p, field);
        } else {
          p.skipChildren();
        }
      }
      edges.add(new Dtos.EdgeDto<>(node, cursor));
    }
    return edges;
  }

  private static Dtos.FileNodeDto node(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "node");
    String id = null;
    String name = null;
    String url = null;
    String directUrl = null;
    Long sizeBytes = null;
    String md5 = null;
    String mimetype = null;
    String updatedAt = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id":
          id = text(p, field);
          break;
        case "name":
          name = text(p, field);
          break;
        case "url":
          url = text(p, field);
          break;
        case "directUrl":
          directUrl = text(p, field);
          break;
        case "sizeBytes":
          sizeBytes = number(p, field);
          break;
        case "md5":
          md5 = text(p, field);
          break;
        case "mimetype":
          mimetype = text(p, field);
          break;
        case "updatedAt":
          updatedAt = text(p, field);
          break;
        default:
          p.skipChildren();
      }
    }
    return new Dtos.FileNodeDto(id, name, url, directUrl, sizeBytes, md5, mimetype, updatedAt);
  }

  private static Dtos.PageInfoDto pageInfo(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "pageInfo");
    String endCursor = null;
    Boolean hasNextPage = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("endCursor")) {
        endCursor = text(p, field);
      } else if (field.equals("hasNextPage")) {
        hasNextPage = bool(p, field);
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.PageInfoDto(endCursor, hasNextPage);
  }

  // ---- data of DeleteFiles: {"deleteFiles": {"success": true}}

  private static Dtos.DeleteData deleteData(JsonParser p) throws IOException {
    expectObject(p, "data");
    Dtos.DeletePayloadDto payload = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("deleteFiles") && p.currentToken() != JsonToken.VALUE_NULL) {
        expectObject(p, field);
        Boolean success = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          if (inner.equals("success")) {
            success = bool(p, inner);
          } else {
            p.skipChildren();
          }
        }
        payload = new Dtos.DeletePayloadDto(success);
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.DeleteData(payload);
  }

  // ---- data of ProbeServerMutations: {"MutationType": {"fields": [{"name": ...}]}}

  private static Dtos.MutationFieldsData mutationFields(JsonParser p) throws IOException {
    expectObject(p, "data");
    List<String> names = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("MutationType") && p.currentToken() != JsonToken.VALUE_NULL) {
        expectObject(p, field);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          if (inner.equals("fields") && p.currentToken() != JsonToken.VALUE_NULL) {
            expectArray(p, inner);
            while (p.nextToken() != JsonToken.END_ARRAY) {
              String name = objectField(p, "fields", "name");
              if (name != null) {
                names.add(name);
              }
            }
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.MutationFieldsData(names);
  }

  /** Reads an object (or null) and returns one of its string fields, skipping the others. */
  private static String objectField(JsonParser p, String what, String wanted) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, what);
    String value = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals(wanted)) {
        value = text(p, field);
      } else {
        p.skipChildren();
      }
    }
    return value;
  }

  // ---- data of CreateRunFiles: {"createRunFiles": {"runID", "uploadHeaders", "files": [...]}}
  // ---- and of RunUploadUrls: {"model": {"bucket": {"id", "files": {"uploadHeaders", "edges"}}}}

  private static Dtos.UploadUrlsData uploadUrls(JsonParser p) throws IOException {
    expectObject(p, "data");
    Dtos.UploadUrlsData result = new Dtos.UploadUrlsData(false, List.of(), List.of());
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("createRunFiles")) {
        result = createRunFiles(p);
      } else if (field.equals("model")) {
        result = model(p);
      } else {
        p.skipChildren();
      }
    }
    return result;
  }

  private static Dtos.UploadUrlsData createRunFiles(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return new Dtos.UploadUrlsData(false, List.of(), List.of());
    }
    expectObject(p, "createRunFiles");
    String runId = null;
    List<String> headers = List.of();
    List<String[]> urls = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "runID":
          runId = text(p, field);
          break;
        case "uploadHeaders":
          headers = orEmpty(strings(p, field));
          break;
        case "files":
          if (p.currentToken() != JsonToken.VALUE_NULL) {
            expectArray(p, field);
            while (p.nextToken() != JsonToken.END_ARRAY) {
              urls.add(nameAndUrl(p, "uploadUrl"));
            }
          }
          break;
        default:
          p.skipChildren();
      }
    }
    return new Dtos.UploadUrlsData(runId != null && !runId.isEmpty(), headers, urls);
  }

  private static Dtos.UploadUrlsData model(JsonParser p) throws IOException {
    Dtos.UploadUrlsData none = new Dtos.UploadUrlsData(false, List.of(), List.of());
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return none;
    }
    expectObject(p, "model");
    Dtos.UploadUrlsData result = none;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("bucket") && p.currentToken() != JsonToken.VALUE_NULL) {
        result = bucket(p);
      } else {
        p.skipChildren();
      }
    }
    return result;
  }

  private static Dtos.UploadUrlsData bucket(JsonParser p) throws IOException {
    expectObject(p, "bucket");
    List<String> headers = List.of();
    List<String[]> urls = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("files") && p.currentToken() != JsonToken.VALUE_NULL) {
        expectObject(p, field);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          if (inner.equals("uploadHeaders")) {
            headers = orEmpty(strings(p, inner));
          } else if (inner.equals("edges") && p.currentToken() != JsonToken.VALUE_NULL) {
            expectArray(p, inner);
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken() == JsonToken.VALUE_NULL) {
                continue;
              }
              expectObject(p, "an edge");
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String e = p.currentName();
                p.nextToken();
                if (e.equals("node") && p.currentToken() != JsonToken.VALUE_NULL) {
                  urls.add(nameAndUrl(p, "url"));
                } else {
                  p.skipChildren();
                }
              }
            }
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return new Dtos.UploadUrlsData(true, headers, urls);
  }

  private static String[] nameAndUrl(JsonParser p, String urlField) throws IOException {
    expectObject(p, "a file");
    String name = null;
    String url = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("name")) {
        name = text(p, field);
      } else if (field.equals(urlField)) {
        url = text(p, field);
      } else {
        p.skipChildren();
      }
    }
    return new String[] {name, url};
  }

  private static List<String> orEmpty(List<String> values) {
    return values == null ? List.of() : values;
  }

  // ---- scalars: exactly the JSON type asked for, or null; never coerced

  private static String text(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, field, "a string");
  }

  private static Long number(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, field, "a whole number");
  }

  private static Boolean bool(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, field, "true or false");
  }

  private static void expectObject(JsonParser p, String what) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw wrongType(p, what, "an object");
    }
  }

  private static void expectArray(JsonParser p, String what) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw wrongType(p, what, "an array");
    }
  }

  private static JsonParseException wrongType(JsonParser p, String field, String expected) {
    return new JsonParseException(
        p, "'" + field + "' should be " + expected + ", not " + describe(p.currentToken()));
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "missing";
    }
    switch (t) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
        return "a whole number";
      case VALUE_NUMBER_FLOAT:
        return "a fractional number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      default:
        return t.asString() == null ? t.name() : t.asString();
    }
  }
}
