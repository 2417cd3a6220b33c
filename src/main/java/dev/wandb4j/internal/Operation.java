package dev.wandb4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A GraphQL operation the client sends, loaded from {@code dev/wandb4j/graphql/NAME.graphql}.
 * Whether it may be retried follows from its document: a query may be sent twice to the same
 * effect, a mutation may not, so a new mutation is never retried unless someone decides so.
 */
public final class Operation {
  /** Lists a run's files, a page at a time; also finds one file by name. */
  public static final Operation RUN_FILES = load("RunFiles");

  /** Counts a run's files. */
  public static final Operation RUN_FILE_COUNT = load("RunFileCount");

  /**
   * Looks files up by name for their IDs alone: what a deletion whose answer was lost asks to learn
   * which of its files are still there, without asking for their URLs.
   */
  public static final Operation RUN_FILE_IDS = load("RunFileIds");

  /** Lists a project's runs, a page at a time, with the count of those the filter selects. */
  public static final Operation RUNS = load("Runs");

  /** Counts a project's runs that a filter selects. */
  public static final Operation RUN_COUNT = load("RunCount");

  /** Deletes files by ID. */
  public static final Operation DELETE_FILES = load("DeleteFiles");

  /**
   * Asks which mutations the server has, as W&amp;B's SDK does before it asks for upload URLs: once
   * per client.
   */
  public static final Operation PROBE_SERVER_MUTATIONS = load("ProbeServerMutations");

  /**
   * Upload URLs for names of a run, from current servers. A mutation, so the transport sends it
   * once; asking again for the same names only hands out URLs again, and the uploader retries it.
   */
  public static final Operation CREATE_RUN_FILES = load("CreateRunFiles");

  /** Upload URLs for names of a run, from servers without {@code createRunFiles}. */
  public static final Operation RUN_UPLOAD_URLS = load("RunUploadUrls");

  /** Every operation the client can send. */
  public static final List<Operation> ALL =
      List.of(
          RUN_FILES,
          RUN_FILE_COUNT,
          RUN_FILE_IDS,
          RUNS,
          RUN_COUNT,
          DELETE_FILES,
          PROBE_SERVER_MUTATIONS,
          CREATE_RUN_FILES,
          RUN_UPLOAD_URLS);

  private final String name;
  private final String document;
  private final boolean idempotent;

  private Operation(String name, String document) {
    this.name = name;
    this.document = document;
    this.idempotent = "query".equals(firstKeyword(document));
  }

  /**
   * The first word of a document, past white space, commas and comments: {@code query}, {@code
   * mutation} or {@code subscription} (or {@code {} for the query shorthand).
   */
  static String firstKeyword(String document) {
    int i = 0;
    int n = document.length();
    while (i < n) {
      char c = document.charAt(i);
      if (c == '#') {
        while (i < n && document.charAt(i) != '\n' && document.charAt(i) != '\r') {
          i++;
        }
      } else if (Character.isWhitespace(c) || c == ',' || c == '\uFEFF') {
        i++;
      } else {
        break;
      }
    }
    if (i < n && document.charAt(i) == '{') {
      return "query";
    }
    int start = i;
    while (i < n && Character.isLetter(document.charAt(i))) {
      i++;
    }
    return document.substring(start, i);
  }

  private static Operation load(String name) {
    String resource = "/dev/wandb4j/graphql/" + name + ".graphql";
    try (InputStream in = Operation.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource);
      }
      return new Operation(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public String document() {
    return document;
  }

  /**
   * Whether sending the operation twice has the effect of sending it once. Queries are; mutations
   * are not, and {@link GraphQlClient} gives them a single attempt: whoever sends one decides what
   * to do when its answer is lost.
   *
   * @return {@code true} for a query
   */
  public boolean isIdempotent() {
    return idempotent;
  }

  @Override
  public String toString() {
    return name;
  }
}
