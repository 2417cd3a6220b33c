package dev.wandb4j.error;

import java.util.List;

/**
 * The GraphQL API answered HTTP 200 with an {@code errors} array: the operation was understood but
 * refused (a validation error, a permission problem the server reports this way, an invalid
 * argument). Not retried; partial {@code data} is discarded.
 */
public final class WandbGraphQlException extends WandbException {
  private static final long serialVersionUID = 1L;

  /** One entry of the response's {@code errors} array. */
  public static final class Error implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String message;

    // An immutable List.copyOf, which serializes; List itself is not declared Serializable.
    @SuppressWarnings("serial")
    private final List<String> path;

    /**
     * Creates an error entry.
     *
     * @param message the error's message
     * @param path the response path the error applies to (may be empty)
     */
    public Error(String message, List<String> path) {
      this.message = message == null ? "" : message;
      this.path = path == null ? List.of() : List.copyOf(path);
    }

    /**
     * The error's message, as the server sent it.
     *
     * @return the message
     */
    public String message() {
      return message;
    }

    /**
     * The path in the response that the error applies to, e.g. {@code [project, run, files]}.
     *
     * @return the path; empty when the server gave none
     */
    public List<String> path() {
      return path;
    }

    @Override
    public String toString() {
      return path.isEmpty() ? message : message + " (at " + String.join(".", path) + ")";
    }
  }

  private final String operationName;

  // An immutable List.copyOf of serializable entries, which serializes; List itself is not
  // declared Serializable.
  @SuppressWarnings("serial")
  private final List<Error> errors;

  /**
   * Creates an exception.
   *
   * @param operationName the GraphQL operation that failed
   * @param errors the errors the server reported
   */
  public WandbGraphQlException(String operationName, List<Error> errors) {
    super(describe(operationName, errors), null, false);
    this.operationName = operationName;
    this.errors = List.copyOf(errors);
  }

  private static String describe(String operationName, List<Error> errors) {
    StringBuilder sb = new StringBuilder("W&B rejected GraphQL operation ").append(operationName);
    sb.append(": ");
    for (int i = 0; i < errors.size(); i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(errors.get(i));
    }
    return sb.toString();
  }

  /**
   * The name of the operation the server refused.
   *
   * @return the operation name, e.g. {@code RunFiles}
   */
  public String operationName() {
    return operationName;
  }

  /**
   * The errors the server reported, in order.
   *
   * @return an immutable list, never empty
   */
  public List<Error> errors() {
    return errors;
  }
}
