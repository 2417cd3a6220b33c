package dev.wandb4j.internal;

import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbNotFoundException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** W&amp;B's {@code Runs} operation: a project's runs, filtered, ordered and paged. Internal. */
public final class RunsApi {
  private final GraphQlClient gql;

  public RunsApi(GraphQlClient gql) {
    this.gql = gql;
  }

  /**
   * The pages of a project's runs, each fetched only when downstream demand reaches it; every
   * subscription starts afresh from {@code startCursor}.
   *
   * @param entity the project's entity
   * @param project the project
   * @param filters a MongoDB-style filter (JSON), or {@code null}
   * @param order {@code +field} or {@code -field}
   * @param perPage runs per page
   * @param startCursor where to continue, or {@code null} for the start
   */
  public Flux<RunPageData> pages(
      String entity,
      String project,
      String filters,
      String order,
      int perPage,
      String startCursor) {
    String what = "runs of project " + entity + "/" + project;
    return Flux.defer(
        () -> {
          Set<String> seen = new HashSet<>();
          if (startCursor != null) {
            seen.add(startCursor);
          }
          return FilesApi.onDemand(
                  () -> page(entity, project, filters, order, perPage, startCursor, seen, what))
              .expand(
                  page ->
                      page.hasNextPage()
                          ? FilesApi.onDemand(
                              () ->
                                  page(
                                      entity,
                                      project,
                                      filters,
                                      order,
                                      perPage,
                                      page.endCursor(),
                                      seen,
                                      what))
                          : Mono.empty());
        });
  }

  /** How many of a project's runs a filter selects. */
  public Mono<Long> count(String entity, String project, String filters) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("project", project);
    vars.put("entity", entity);
    vars.put("filters", filters);
    String what = "the run count of project " + entity + "/" + project;
    return gql.execute(Operation.RUN_COUNT, vars, Dtos.ProjectData.class, what)
        .map(
            data -> {
              Dtos.ProjectDto p = requireProject(entity, project, data);
              return p.runCount() == null ? 0L : p.runCount();
            });
  }

  private Mono<RunPageData> page(
      String entity,
      String project,
      String filters,
      String order,
      int perPage,
      String cursor,
      Set<String> seen,
      String what) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("project", project);
    vars.put("entity", entity);
    vars.put("cursor", cursor);
    vars.put("perPage", perPage);
    vars.put("order", order);
    vars.put("filters", filters);
    return gql.execute(Operation.RUNS, vars, Dtos.ProjectData.class, what)
        .map(data -> toPage(requireProject(entity, project, data), cursor, seen, what));
  }

  static RunPageData toPage(Dtos.ProjectDto project, String cursor, Set<String> seen, String what) {
    long total = project.runCount() == null ? -1 : project.runCount();
    Dtos.ConnectionDto<Dtos.RunNodeDto> conn = project.runs();
    if (conn == null) {
      return new RunPageData(List.of(), null, false, total);
    }
    List<Dtos.EdgeDto<Dtos.RunNodeDto>> edges = conn.edges() == null ? List.of() : conn.edges();
    List<RunData> runs = new ArrayList<>(edges.size());
    for (Dtos.EdgeDto<Dtos.RunNodeDto> edge : edges) {
      if (edge != null && edge.node() != null) {
        runs.add(toRun(edge.node(), what));
      }
    }
    Paging.Next next = Paging.next(conn, cursor, seen, what);
    return new RunPageData(runs, next.cursor(), next.hasNext(), total);
  }

  private static RunData toRun(Dtos.RunNodeDto node, String what) {
    if (node.name() == null || node.name().isEmpty()) {
      throw new WandbException(
          "W&B described a run of " + what + " without its ID (name)", null, false);
    }
    String problem = SafePaths.problem(node.name());
    if (problem == null) {
      try {
        dev.wandb4j.RunPath.of("entity", "project", node.name());
      } catch (IllegalArgumentException e) {
        problem = "it holds a character W&B does not allow in run IDs";
      }
    }
    if (problem != null) {
      throw new WandbException(
          "W&B listed a run of "
              + what
              + " whose ID '"
              + SafePaths.printable(node.name())
              + "' is not a name this client can use: "
              + problem,
          null,
          false);
    }
    return new RunData(
        node.id(),
        node.name(),
        node.displayName(),
        node.state(),
        FilesApi.parseInstant(node.createdAt()),
        FilesApi.parseInstant(node.heartbeatAt()),
        node.tags() == null ? List.of() : List.copyOf(node.tags()),
        node.group(),
        node.jobType());
  }

  private static Dtos.ProjectDto requireProject(
      String entity, String project, Dtos.ProjectData data) {
    if (data.project() == null) {
      throw new WandbNotFoundException(
          "Project " + entity + "/" + project + " not found, or the API key has no access to it");
    }
    return data.project();
  }
}
