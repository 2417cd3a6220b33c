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
  /**
   * Pages in a row that hold no run not listed before, after which a listing is taken for a loop.
   * Runs created while a listing pages newest first shift later pages, so a page may repeat runs; a
   * whole page of nothing new takes as many runs created between two page requests, and this many
   * such pages in a row is a server that pages without end.
   */
  static final int STALE_PAGES = 10;

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
          Set<String> listed = new HashSet<>();
          int[] stale = {0};
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
                          : Mono.empty())
              .doOnNext(page -> checkProgress(page, listed, stale, what));
        });
  }

  /**
   * Ends a listing whose pages keep coming without a run not listed before, whatever their cursors:
   * a server that hands out a fresh cursor with the same runs would otherwise be paged through for
   * ever.
   */
  static void checkProgress(RunPageData page, Set<String> listed, int[] stale, String what) {
    boolean fresh = false;
    for (RunData r : page.runs()) {
      fresh |= listed.add(r.name());
    }
    stale[0] = fresh ? 0 : stale[0] + 1;
    if (page.hasNextPage() && stale[0] >= STALE_PAGES) {
      throw new WandbException(
          "W&B returned "
              + STALE_PAGES
              + " pages in a row of "
              + what
              + " holding only runs listed before; stopping instead of paging without end",
          null,
          false);
    }
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
          "Listing the " + what + ", W&B described a run without its ID (name)", null, false);
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
          "Listing the "
              + what
              + ", W&B gave a run whose ID '"
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
