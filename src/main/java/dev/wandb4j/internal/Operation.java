package dev.wandb4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A GraphQL operation the client sends, loaded from {@code dev/wandb4j/graphql/NAME.graphql}. */
public final class Operation {
  /** Lists a run's files, a page at a time; also finds one file by name. */
  public static final Operation RUN_FILES = load("RunFiles");

  /** Counts a run's files. */
  public static final Operation RUN_FILE_COUNT = load("RunFileCount");

  /** Deletes files by ID. */
  public static final Operation DELETE_FILES = load("DeleteFiles");

  /** Every operation the client can send. */
  public static final List<Operation> ALL = List.of(RUN_FILES, RUN_FILE_COUNT, DELETE_FILES);

  private final String name;
  private final String document;

  private Operation(String name, String document) {
    this.name = name;
    this.document = document;
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

  @Override
  public String toString() {
    return name;
  }
}
