package dev.wandb4j;

import dev.wandb4j.internal.SafePaths;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The path of a W&amp;B run: entity, project and run ID. An immutable value.
 *
 * <p>{@link #parse(String)} accepts the forms people copy from W&amp;B:
 *
 * <ul>
 *   <li>{@code entity/project/runId}
 *   <li>{@code entity/project/runs/runId}
 *   <li>the run's web URL, {@code https://wandb.ai/entity/project/runs/runId} (any host, trailing
 *       tabs such as {@code /overview} and any query string ignored)
 *   <li>{@code project/runId}, with the entity from {@code WANDB_ENTITY}
 *   <li>{@code runId}, with the entity from {@code WANDB_ENTITY} and the project from {@code
 *       WANDB_PROJECT}
 * </ul>
 *
 * A project that is literally named {@code runs} is taken as it is.
 */
public final class RunPath {
  private static final String FORMS =
      "entity/project/runId, entity/project/runs/runId, https://wandb.ai/entity/project/runs/runId,"
          + " project/runId (with WANDB_ENTITY set) or runId (with WANDB_ENTITY and WANDB_PROJECT"
          + " set)";

  private final String entity;
  private final String project;
  private final String runId;

  private RunPath(String entity, String project, String runId) {
    this.entity = entity;
    this.project = project;
    this.runId = runId;
  }

  /**
   * Creates a run path from its three parts.
   *
   * @param entity the entity (user or team) that owns the project
   * @param project the project's name
   * @param runId the run's short ID, as in its URL
   * @return the path
   * @throws IllegalArgumentException if a part is empty or contains characters W&amp;B does not
   *     allow in names ({@code / \ # ? %}, white space or control characters)
   */
  public static RunPath of(String entity, String project, String runId) {
    return new RunPath(
        checkSegment(entity, "entity", entity),
        checkSegment(project, "project", project),
        checkSegment(runId, "run ID", runId));
  }

  /**
   * Parses a run path in any of the forms listed on this class, taking defaults from the {@code
   * WANDB_ENTITY} and {@code WANDB_PROJECT} environment variables.
   *
   * @param path the path or URL
   * @return the parsed path
   * @throws IllegalArgumentException if the path is in none of the accepted forms; the message
   *     lists them
   */
  public static RunPath parse(String path) {
    return parse(path, System.getenv("WANDB_ENTITY"), System.getenv("WANDB_PROJECT"));
  }

  static RunPath parse(String path, String defaultEntity, String defaultProject) {
    if (path == null) {
      throw new IllegalArgumentException("Run path is null; expected " + FORMS);
    }
    String trimmed = path.strip();
    List<String> parts;
    if (trimmed.regionMatches(true, 0, "http://", 0, 7)
        || trimmed.regionMatches(true, 0, "https://", 0, 8)) {
      parts = fromWebUrl(trimmed, path);
    } else {
      parts = split(trimmed);
    }
    String entity;
    String project;
    String runId;
    switch (parts.size()) {
      case 4:
        if (!parts.get(2).equals("runs")) {
          throw invalid(path, null);
        }
        entity = parts.get(0);
        project = parts.get(1);
        runId = parts.get(3);
        break;
      case 3:
        entity = parts.get(0);
        project = parts.get(1);
        runId = parts.get(2);
        break;
      case 2:
        entity = requireDefault(defaultEntity, "WANDB_ENTITY", path);
        project = parts.get(0);
        runId = parts.get(1);
        break;
      case 1:
        entity = requireDefault(defaultEntity, "WANDB_ENTITY", path);
        project = requireDefault(defaultProject, "WANDB_PROJECT", path);
        runId = parts.get(0);
        break;
      default:
        throw invalid(path, null);
    }
    return new RunPath(
        checkSegment(entity, "entity", path),
        checkSegment(project, "project", path),
        checkSegment(runId, "run ID", path));
  }

  private static List<String> fromWebUrl(String url, String original) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid(original, null);
    }
    List<String> segments = split(uri.getPath() == null ? "" : uri.getPath());
    // entity/project/runs/runId, optionally followed by a tab such as /overview or /files.
    if (segments.size() < 4 || !segments.get(2).equals("runs")) {
      throw invalid(original, null);
    }
    return segments.subList(0, 4);
  }

  private static List<String> split(String s) {
    String stripped = s;
    while (stripped.startsWith("/")) {
      stripped = stripped.substring(1);
    }
    while (stripped.endsWith("/")) {
      stripped = stripped.substring(0, stripped.length() - 1);
    }
    List<String> parts = new ArrayList<>();
    if (stripped.isEmpty()) {
      return parts;
    }
    int start = 0;
    for (int i = 0; i <= stripped.length(); i++) {
      if (i == stripped.length() || stripped.charAt(i) == '/') {
        parts.add(stripped.substring(start, i));
        start = i + 1;
      }
    }
    return parts;
  }

  private static String requireDefault(String value, String variable, String path) {
    if (value == null || value.isBlank()) {
      throw invalid(path, variable + " is not set, so a short form cannot be completed");
    }
    return value.strip();
  }

  private static String checkSegment(String segment, String what, String path) {
    if (segment == null || segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      throw invalid(path, "the " + what + " is empty or not a name");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c <= 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '#' || c == '?' || c == '%') {
        throw invalid(path, "the " + what + " contains a character W&B does not allow in names");
      }
    }
    return segment;
  }

  private static IllegalArgumentException invalid(String path, String reason) {
    String shown = SafePaths.printable(path);
    return new IllegalArgumentException(
        "Invalid run path '"
            + shown
            + "'"
            + (reason == null ? "" : " (" + reason + ")")
            + "; expected "
            + FORMS);
  }

  /**
   * The entity (user or team) that owns the project.
   *
   * @return the entity
   */
  public String entity() {
    return entity;
  }

  /**
   * The project's name.
   *
   * @return the project
   */
  public String project() {
    return project;
  }

  /**
   * The run's short ID (W&amp;B's {@code Run.name}), as in the run's URL.
   *
   * @return the run ID
   */
  public String runId() {
    return runId;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RunPath)) {
      return false;
    }
    RunPath other = (RunPath) o;
    return entity.equals(other.entity)
        && project.equals(other.project)
        && runId.equals(other.runId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entity, project, runId);
  }

  /** Returns {@code entity/project/runId}. */
  @Override
  public String toString() {
    return entity + "/" + project + "/" + runId;
  }
}
