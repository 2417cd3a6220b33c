package dev.wandb4j;

import dev.wandb4j.internal.SafePaths;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * The path of a W&amp;B project: entity and project. An immutable value.
 *
 * <p>{@link #parse(String)} accepts {@code entity/project}, the project's web URL ({@code
 * https://wandb.ai/entity/project}, any host, trailing tabs such as {@code /runs} or {@code /table}
 * and any query string ignored), and {@code project} with the entity from {@code WANDB_ENTITY}.
 */
public final class ProjectPath {
  private static final String FORMS =
      "entity/project, https://wandb.ai/entity/project or project (with WANDB_ENTITY set)";

  private final String entity;
  private final String project;

  private ProjectPath(String entity, String project) {
    this.entity = entity;
    this.project = project;
  }

  /**
   * Creates a project path from its two parts.
   *
   * @param entity the entity (user or team) that owns the project
   * @param project the project's name
   * @return the path
   * @throws IllegalArgumentException if a part is empty or holds characters W&amp;B does not allow
   *     in names
   */
  public static ProjectPath of(String entity, String project) {
    RunPath checked = RunPath.of(entity, project, "x");
    return new ProjectPath(checked.entity(), checked.project());
  }

  /**
   * Parses a project path in any of the forms listed on this class, taking the entity from {@code
   * WANDB_ENTITY} when the path has none.
   *
   * @param path the path or URL
   * @return the parsed path
   * @throws IllegalArgumentException if the path is in none of the accepted forms
   */
  public static ProjectPath parse(String path) {
    return parse(path, System.getenv("WANDB_ENTITY"));
  }

  static ProjectPath parse(String path, String defaultEntity) {
    if (path == null) {
      throw invalid("null", null);
    }
    String s = path.strip();
    if (s.regionMatches(true, 0, "http://", 0, 7) || s.regionMatches(true, 0, "https://", 0, 8)) {
      try {
        URI uri = new URI(s);
        s = uri.getPath() == null ? "" : uri.getPath();
      } catch (URISyntaxException e) {
        throw invalid(path, null);
      }
      String[] parts = strip(s).split("/");
      if (parts.length < 2) {
        throw invalid(path, null);
      }
      s = parts[0] + "/" + parts[1];
    }
    String[] parts = strip(s).split("/", -1);
    try {
      if (parts.length == 2) {
        return of(parts[0], parts[1]);
      }
      if (parts.length == 1 && !parts[0].isEmpty()) {
        if (defaultEntity == null || defaultEntity.isBlank()) {
          throw invalid(path, "WANDB_ENTITY is not set, so a short form cannot be completed");
        }
        return of(defaultEntity.strip(), parts[0]);
      }
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Invalid project path")) {
        throw e;
      }
      throw invalid(path, "a part is empty or holds a character W&B does not allow in names");
    }
    throw invalid(path, null);
  }

  private static String strip(String s) {
    String out = s;
    while (out.startsWith("/")) {
      out = out.substring(1);
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  private static IllegalArgumentException invalid(String path, String reason) {
    return new IllegalArgumentException(
        "Invalid project path '"
            + SafePaths.printable(path)
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
   * The path of one of the project's runs.
   *
   * @param runId the run's short ID
   * @return the run's path
   */
  public RunPath run(String runId) {
    return RunPath.of(entity, project, runId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProjectPath
        && ((ProjectPath) o).entity.equals(entity)
        && ((ProjectPath) o).project.equals(project);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entity, project);
  }

  /** Returns {@code entity/project}. */
  @Override
  public String toString() {
    return entity + "/" + project;
  }
}
