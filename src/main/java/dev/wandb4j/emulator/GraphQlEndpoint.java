package dev.wandb4j.emulator;

import dev.wandb4j.RunPath;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.GraphqlErrorBuilder;
import graphql.execution.CoercedVariables;
import graphql.execution.DataFetcherResult;
import graphql.language.Document;
import graphql.language.IntValue;
import graphql.language.ObjectTypeDefinition;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.parser.Parser;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Executes W&amp;B GraphQL operations over the emulator's runs with graphql-java. */
final class GraphQlEndpoint {
  /** The most files one page returns. */
  static final int MAX_FIRST = 10_000;

  private final WandbEmulator emulator;
  private final GraphQL graphQl;

  GraphQlEndpoint(WandbEmulator emulator) {
    this.emulator = emulator;
    TypeDefinitionRegistry types =
        new SchemaParser().parse(resource("/dev/wandb4j/schema/wandb-files.graphql"));
    types.merge(new SchemaParser().parse(resource("/dev/wandb4j/emulator/sdk-fields.graphql")));
    if (!emulator.hasCreateRunFiles()) {
      withoutField(types, "Mutation", "createRunFiles");
    }
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .scalar(scalar("Int64", true))
            .scalar(scalar("DateTime", false))
            .scalar(scalar("JSONString", false))
            .type(
                "Query",
                t ->
                    t.dataFetcher("project", this::findProject)
                        .dataFetcher("model", this::findProject)
                        .dataFetcher("viewer", this::viewer))
            .type(
                "Project",
                t ->
                    t.dataFetcher("id", e -> projectOf(e).id())
                        .dataFetcher("name", e -> projectOf(e).name())
                        .dataFetcher("entityName", e -> projectOf(e).entity())
                        .dataFetcher("internalId", e -> projectOf(e).internalId())
                        .dataFetcher("run", e -> projectOf(e).find(e.getArgument("name")))
                        .dataFetcher("runs", this::runs)
                        .dataFetcher("runCount", this::runCount)
                        .dataFetcher("bucket", e -> projectOf(e).find(e.getArgument("name")))
                        .dataFetcher("entity", e -> entity(projectOf(e).entity())))
            .type(
                "Run",
                t ->
                    t.dataFetcher("id", e -> b64("Run:" + run(e).path()))
                        .dataFetcher("name", e -> run(e).path().runId())
                        .dataFetcher("displayName", e -> run(e).displayName())
                        .dataFetcher("state", e -> run(e).state())
                        .dataFetcher("createdAt", e -> time(run(e).createdAt()))
                        .dataFetcher("heartbeatAt", e -> time(run(e).createdAt()))
                        .dataFetcher("description", e -> run(e).description())
                        .dataFetcher("notes", e -> run(e).notes())
                        .dataFetcher("sweepName", e -> null)
                        .dataFetcher("project", e -> run(e).project())
                        .dataFetcher("tags", e -> run(e).tags())
                        .dataFetcher("group", e -> run(e).group())
                        .dataFetcher("jobType", e -> run(e).jobType())
                        .dataFetcher("config", e -> json(run(e).configValues()))
                        .dataFetcher("projectId", e -> run(e).projectId())
                        .dataFetcher("fileCount", e -> synced(run(e)).fileCount())
                        .dataFetcher("files", this::files))
            .type(
                "File",
                t ->
                    t.dataFetcher("id", e -> node(e).id())
                        .dataFetcher("name", e -> node(e).name())
                        .dataFetcher("url", this::url)
                        .dataFetcher("directUrl", e -> node(e).directUrl())
                        .dataFetcher("sizeBytes", e -> node(e).size())
                        .dataFetcher("md5", e -> node(e).md5())
                        .dataFetcher("mimetype", e -> node(e).mimetype())
                        .dataFetcher("updatedAt", e -> node(e).updatedAt()))
            .type(
                "User",
                t ->
                    t.dataFetcher("flags", e -> "{}")
                        .dataFetcher("teams", e -> Map.of("edges", List.of())))
            .type(
                "Mutation",
                t -> {
                  t.dataFetcher("deleteFiles", this::deleteFiles)
                      .dataFetcher("upsertBucket", this::upsertBucket);
                  return emulator.hasCreateRunFiles()
                      ? t.dataFetcher("createRunFiles", this::createRunFiles)
                      : t;
                })
            .build();
    this.graphQl =
        GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(types, wiring)).build();
  }

  private static String resource(String name) {
    try (InputStream in = GraphQlEndpoint.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a field from a type of the schema, as an older server lacks it. */
  private static void withoutField(TypeDefinitionRegistry types, String type, String field) {
    ObjectTypeDefinition def = types.getTypeOrNull(type, ObjectTypeDefinition.class);
    ObjectTypeDefinition without =
        def.transform(
            b ->
                b.fieldDefinitions(
                    def.getFieldDefinitions().stream()
                        .filter(f -> !f.getName().equals(field))
                        .toList()));
    types.remove(def);
    types.add(without);
  }

  /**
   * Executes an operation; data fetchers that wait for a digest complete it later, off the loop.
   */
  CompletableFuture<Map<String, Object>> execute(
      String query, Map<String, Object> variables, String operationName) {
    ExecutionInput.Builder input =
        ExecutionInput.newExecutionInput()
            .query(query == null ? "" : query)
            .variables(variables == null ? Map.of() : variables);
    if (operationName != null && !operationName.isEmpty()) {
      input.operationName(operationName);
    }
    return graphQl.executeAsync(input.build()).thenApply(ExecutionResult::toSpecification);
  }

  /**
   * Whether the operation a request runs is a mutation: the one named {@code operationName}, or the
   * document's only operation. False for a document that does not parse.
   */
  static boolean isMutation(String query, String operationName) {
    Document doc;
    try {
      doc = Parser.parse(query);
    } catch (RuntimeException unparsable) {
      return false;
    }
    List<OperationDefinition> ops = doc.getDefinitionsOfType(OperationDefinition.class);
    for (OperationDefinition op : ops) {
      if (ops.size() == 1 || op.getName() != null && op.getName().equals(operationName)) {
        return op.getOperation() == OperationDefinition.Operation.MUTATION;
      }
    }
    return false;
  }

  private Object findProject(DataFetchingEnvironment e) {
    return emulator.project(e.getArgument("entityName"), e.getArgument("name"));
  }

  private Object viewer(DataFetchingEnvironment e) {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("id", b64("User:1"));
    user.put("username", WandbEmulator.DEFAULT_ENTITY);
    user.put("entity", WandbEmulator.DEFAULT_ENTITY);
    return user;
  }

  private static WandbEmulator.Project projectOf(DataFetchingEnvironment e) {
    return e.getSource();
  }

  private static EmulatedRun run(DataFetchingEnvironment e) {
    return e.getSource();
  }

  private static Node node(DataFetchingEnvironment e) {
    return e.getSource();
  }

  /** A file as the listing shows it: a real one, or W&amp;B's placeholder for a missing name. */
  record Node(
      EmulatedFile file,
      RunPath run,
      String missingName,
      String id,
      String apiUrl,
      String directUrl) {
    String name() {
      return file == null ? missingName : file.name();
    }

    long size() {
      return file == null ? 0 : file.size();
    }

    CompletableFuture<String> md5() {
      return file == null ? CompletableFuture.completedFuture("0") : file.md5Async();
    }

    String mimetype() {
      return file == null ? null : file.mimetype();
    }

    String updatedAt() {
      return file == null ? null : file.updatedAt().toString().replace("Z", "");
    }
  }

  private Object url(DataFetchingEnvironment e) {
    Node n = node(e);
    Boolean upload = e.getArgument("upload");
    if (Boolean.TRUE.equals(upload)) {
      return emulator.uploadUrl(n.run(), n.name());
    }
    return n.apiUrl();
  }

  /** A run brought in line with its folders in the served directories. */
  private EmulatedRun synced(EmulatedRun run) {
    emulator.syncRun(run);
    return run;
  }

  private Object files(DataFetchingEnvironment e) {
    EmulatedRun run = run(e);
    List<String> names = e.getArgument("names");
    if (names != null && !names.isEmpty()) {
      emulator.syncNames(run, names);
    } else {
      emulator.syncRun(run);
    }
    String pattern = e.getArgument("pattern");
    String after = e.getArgument("after");
    Integer first = e.getArgument("first");
    int limit = first == null ? 500 : Math.max(0, Math.min(first, MAX_FIRST));
    Faults faults = emulator.faults();
    // A cursor is the position of an edge in the listing the filter selects, as with W&B: the
    // next page starts at the position after it, whatever was removed before it meanwhile.
    long afterPosition = after == null ? -1 : decodeCursor(after);
    if (afterPosition == Long.MIN_VALUE || afterPosition < -1) {
      return DataFetcherResult.newResult()
          .error(GraphqlErrorBuilder.newError(e).message("invalid cursor").build())
          .build();
    }
    List<Map<String, Object>> edges = new ArrayList<>();
    boolean hasNext;
    if (faults.takeEmptyPage()) {
      hasNext = true;
    } else if (names != null && !names.isEmpty()) {
      int start = (int) Math.min(names.size(), afterPosition + 1);
      int end = Math.min(names.size(), start + limit);
      for (int i = start; i < end; i++) {
        String name = names.get(i) == null ? "" : names.get(i);
        EmulatedFile f = run.file(name);
        edges.add(edge(f == null ? missing(run, name) : node(f), i));
      }
      hasNext = end < names.size();
    } else {
      Predicate<String> filter = pattern == null ? null : Like.compile(pattern);
      List<EmulatedFile> page = run.page(afterPosition + 1, limit, filter);
      hasNext = page.size() > limit;
      for (int i = 0; i < Math.min(limit, page.size()); i++) {
        edges.add(edge(node(page.get(i)), afterPosition + 1 + i));
      }
    }
    if (after != null && faults.takeRepeatCursor()) {
      for (Map<String, Object> edge : edges) {
        edge.put("cursor", after);
      }
      hasNext = true;
    }
    return connection(edges, hasNext, after != null, after);
  }

  /** A Relay connection of edges, and what follows them. */
  private Map<String, Object> connection(
      List<Map<String, Object>> edges, boolean hasNext, boolean hasPrevious, String after) {
    Map<String, Object> pageInfo = new LinkedHashMap<>();
    pageInfo.put("hasNextPage", hasNext);
    pageInfo.put("hasPreviousPage", hasPrevious);
    pageInfo.put("startCursor", edges.isEmpty() ? null : edges.get(0).get("cursor"));
    pageInfo.put("endCursor", edges.isEmpty() ? after : edges.get(edges.size() - 1).get("cursor"));
    Map<String, Object> conn = new LinkedHashMap<>();
    conn.put("edges", edges);
    conn.put("pageInfo", pageInfo);
    conn.put("uploadHeaders", emulator.uploadHeaders());
    return conn;
  }

  private Node node(EmulatedFile f) {
    return new Node(f, f.run().path(), null, f.id(), emulator.apiFileUrl(f), emulator.signedUrl(f));
  }

  /**
   * W&amp;B's answer for a requested name the run does not have: a File whose md5 is {@code "0"},
   * with every non-null field of the schema filled in. Both URLs are well-formed and answer 404.
   */
  private Node missing(EmulatedRun run, String name) {
    return new Node(
        null,
        run.path(),
        name,
        b64("File:missing:" + run.path() + "/" + name),
        emulator.apiFileUrl(run.path(), name),
        emulator.signedMissingUrl());
  }

  private static Map<String, Object> edge(Node node, long position) {
    Map<String, Object> edge = new LinkedHashMap<>();
    edge.put("node", node);
    edge.put("cursor", b64("cursor:" + position));
    return edge;
  }

  static long decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!s.startsWith("cursor:")) {
        return Long.MIN_VALUE;
      }
      return Long.parseLong(s.substring(7));
    } catch (IllegalArgumentException e) {
      return Long.MIN_VALUE;
    }
  }

  /** A project's runs: filtered, ordered, and paged by position, as W&amp;B's cursors are. */
  private Object runs(DataFetchingEnvironment e) {
    List<EmulatedRun> all;
    try {
      all = projectOf(e).runs(e.getArgument("filters"), e.getArgument("order"));
    } catch (IllegalArgumentException bad) {
      return error(e, "invalid filters: " + bad.getMessage());
    }
    String after = e.getArgument("after");
    Integer first = e.getArgument("first");
    int limit = first == null ? 50 : Math.max(0, Math.min(first, MAX_FIRST));
    long start = 0;
    if (after != null) {
      long at = decodeRunCursor(after);
      if (at < 0) {
        return error(e, "invalid cursor");
      }
      start = at + 1;
    }
    List<Map<String, Object>> edges = new ArrayList<>();
    for (long i = start; i < Math.min(all.size(), start + limit); i++) {
      Map<String, Object> edge = new LinkedHashMap<>();
      edge.put("node", all.get((int) i));
      edge.put("cursor", b64("run-cursor:" + i));
      edges.add(edge);
    }
    return connection(edges, start + edges.size() < all.size(), start > 0, after);
  }

  private Object runCount(DataFetchingEnvironment e) {
    try {
      return projectOf(e).runs(e.getArgument("filters"), null).size();
    } catch (IllegalArgumentException bad) {
      return error(e, "invalid filters: " + bad.getMessage());
    }
  }

  private static long decodeRunCursor(String cursor) {
    try {
      String s = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
      return s.startsWith("run-cursor:") ? Long.parseLong(s.substring(11)) : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static String time(java.time.Instant t) {
    return t == null ? null : t.toString().replace("Z", "");
  }

  private static String json(Map<String, Object> value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private Object deleteFiles(DataFetchingEnvironment e) {
    Map<String, Object> input = e.getArgument("input");
    @SuppressWarnings("unchecked")
    List<String> ids = (List<String>) input.get("files");
    Object projectId = input.get("projectId");
    if (projectId == null) {
      return error(
          e, "Variable \"projectId\" got invalid value null; Expected \"Int!\", found null");
    }
    long pid = ((Number) projectId).longValue();
    List<EmulatedFile> found = new ArrayList<>();
    for (String id : ids) {
      EmulatedFile f = emulator.fileById(id);
      if (f != null) {
        if (f.run().projectId() != pid) {
          return error(e, "file " + id + " does not belong to project " + pid);
        }
        found.add(f);
      }
    }
    for (EmulatedFile f : found) {
      f.run().removeFile(f.name());
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("success", true);
    payload.put("clientMutationId", input.get("clientMutationId"));
    return payload;
  }

  private static Map<String, Object> entity(String name) {
    Map<String, Object> entity = new LinkedHashMap<>();
    entity.put("id", b64("Entity:" + name));
    entity.put("name", name);
    return entity;
  }

  /**
   * Upload URLs for names of a run, as current W&amp;B servers hand them out. The run must exist;
   * every name must be one a client could write to disk. Nothing is listed until its upload
   * arrives.
   */
  private Object createRunFiles(DataFetchingEnvironment e) {
    Map<String, Object> input = e.getArgument("input");
    EmulatedRun run =
        runOf(
            (String) input.get("entityName"),
            (String) input.get("projectName"),
            (String) input.get("runName"));
    if (run == null) {
      return error(
          e,
          "run "
              + input.get("entityName")
              + "/"
              + input.get("projectName")
              + "/"
              + input.get("runName")
              + " not found");
    }
    @SuppressWarnings("unchecked")
    List<String> names = (List<String>) input.get("files");
    List<Map<String, Object>> files = new ArrayList<>();
    for (String name : names) {
      String why = WandbEmulator.nameProblem(name);
      if (why != null) {
        return error(e, "invalid file name '" + name + "': " + why);
      }
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("name", name);
      file.put("uploadUrl", emulator.uploadUrl(run.path(), name));
      files.add(file);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("runID", b64("Run:" + run.path()));
    payload.put("uploadHeaders", emulator.uploadHeaders());
    payload.put("files", files);
    payload.put("clientMutationId", input.get("clientMutationId"));
    return payload;
  }

  private EmulatedRun runOf(String entity, String project, String runId) {
    WandbEmulator.Project p = emulator.project(entity, project);
    return p == null || runId == null ? null : p.run(runId);
  }

  /**
   * Creates or updates a run, as W&amp;B's SDKs do when a run starts: {@code modelName} is the
   * project (default {@code uncategorized}), {@code entityName} defaults to the viewer's entity,
   * {@code name} is the run ID (a new one is made up if missing). A new run is {@code running}
   * until its {@code file_stream} says it is complete. {@code summaryMetrics} becomes the run's
   * {@code wandb-summary.json}.
   */
  private Object upsertBucket(DataFetchingEnvironment e) {
    Map<String, Object> input = e.getArgument("input");
    String entity = orDefault((String) input.get("entityName"), WandbEmulator.DEFAULT_ENTITY);
    String project = orDefault((String) input.get("modelName"), "uncategorized");
    String name = (String) input.get("name");
    EmulatedRun existing = name == null ? runById((String) input.get("id")) : null;
    if (name == null && existing == null) {
      name = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }
    RunPath path;
    try {
      path = existing != null ? existing.path() : RunPath.of(entity, project, name);
    } catch (IllegalArgumentException bad) {
      return error(e, bad.getMessage());
    }
    boolean inserted = runOf(path.entity(), path.project(), path.runId()) == null;
    EmulatedRun run = emulator.run(path);
    Map<String, Object> json;
    try {
      json = parseObject(input.get("config"), "config");
      Map<String, Object> summary = parseObject(input.get("summaryMetrics"), "summaryMetrics");
      synchronized (run) {
        if (inserted) {
          run.state("running");
        }
        if (input.get("displayName") != null) {
          run.displayName((String) input.get("displayName"));
        }
        if (input.containsKey("description")) {
          run.description((String) input.get("description"));
        }
        if (input.containsKey("notes")) {
          run.notes((String) input.get("notes"));
        }
        if (input.get("state") != null) {
          run.state((String) input.get("state"));
        }
        @SuppressWarnings("unchecked")
        List<String> tags = (List<String>) input.get("tags");
        if (tags != null) {
          run.tags(tags.toArray(new String[0]));
        }
        if (input.containsKey("groupName") || input.containsKey("jobType")) {
          run.group((String) input.get("groupName"), (String) input.get("jobType"));
        }
        if (json != null) {
          run.configJson(json);
        }
        emulator.received().createRunFolder(path);
        if (summary != null) {
          emulator.received().write(run, FileStreams.SUMMARY, JSON.writeValueAsBytes(summary));
        }
      }
    } catch (IllegalArgumentException bad) {
      return error(e, bad.getMessage());
    } catch (IOException failed) {
      return error(e, "could not store the run: " + failed.getMessage());
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("bucket", run);
    payload.put("inserted", inserted);
    payload.put("clientMutationId", input.get("clientMutationId"));
    return payload;
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private EmulatedRun runById(String id) {
    if (id == null) {
      return null;
    }
    try {
      String s = new String(Base64.getDecoder().decode(id), StandardCharsets.UTF_8);
      if (!s.startsWith("Run:")) {
        return null;
      }
      RunPath p = RunPath.parse(s.substring(4));
      return runOf(p.entity(), p.project(), p.runId());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parseObject(Object json, String what) {
    if (json == null) {
      return null;
    }
    try {
      Object v = JSON.readValue((String) json, Object.class);
      if (!(v instanceof Map)) {
        throw new IllegalArgumentException(what + " must be a JSON object");
      }
      return (Map<String, Object>) v;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON");
    }
  }

  private static Object error(DataFetchingEnvironment e, String message) {
    return DataFetcherResult.newResult()
        .error(GraphqlErrorBuilder.newError(e).message(message).build())
        .build();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Int64 is an integer that may exceed 32 bits; the others pass strings through. */
  private static GraphQLScalarType scalar(String name, boolean integer) {
    return GraphQLScalarType.newScalar()
        .name(name)
        .coercing(
            new Coercing<Object, Object>() {
              @Override
              public Object serialize(Object v, GraphQLContext c, Locale l) {
                return v;
              }

              @Override
              public Object parseValue(Object v, GraphQLContext c, Locale l) {
                if (integer && !(v instanceof Number)) {
                  throw new CoercingParseValueException(name + " must be an integer");
                }
                return v;
              }

              @Override
              public Object parseLiteral(
                  Value<?> v, CoercedVariables vars, GraphQLContext c, Locale l) {
                if (integer && v instanceof IntValue) {
                  BigInteger b = ((IntValue) v).getValue();
                  return b.longValue();
                }
                if (!integer && v instanceof StringValue) {
                  return ((StringValue) v).getValue();
                }
                throw new CoercingParseLiteralException("invalid " + name);
              }
            })
        .build();
  }
}
