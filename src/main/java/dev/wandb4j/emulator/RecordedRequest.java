package dev.wandb4j.emulator;

import java.util.Map;

/**
 * One request the emulator received, for tests to assert on.
 *
 * @param server {@code "api"} or {@code "storage"}
 * @param method the HTTP method
 * @param path the path, without the query string
 * @param authorization whether an {@code Authorization} header was present
 * @param range the {@code Range} header, or {@code null}
 * @param operationName the GraphQL operation's name, or {@code null}
 * @param variables the GraphQL variables, or an empty map
 */
public record RecordedRequest(
    String server,
    String method,
    String path,
    boolean authorization,
    String range,
    String operationName,
    Map<String, Object> variables) {}
