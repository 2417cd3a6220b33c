package dev.wandb4j.cli;

import dev.wandb4j.RunQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Option;

/** Which runs of a project to take, for {@code ls} and {@code download} of a whole project. */
final class RunFilterOptions {
  @Option(
      names = "--runs-filter",
      paramLabel = "JSON",
      description =
          "A W&B run filter in MongoDB syntax, e.g. '{\"config.lr.value\": {\"$lt\": 0.01}}'.")
  String filters;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "Only runs in this state (finished, running, crashed...); repeatable.")
  List<String> states;

  @Option(names = "--tag", paramLabel = "TAG", description = "Only runs with this tag; repeatable.")
  List<String> tags;

  @Option(
      names = "--created-after",
      paramLabel = "TIME",
      description = "Only runs created after this (2025-03-01 or 2025-03-01T12:00:00Z).")
  String createdAfter;

  @Option(
      names = "--created-before",
      paramLabel = "TIME",
      description = "Only runs created before this.")
  String createdBefore;

  @Option(
      names = "--oldest-first",
      description = "List runs oldest first (the default is newest first).")
  boolean oldestFirst;

  /** Whether any option was given: they select runs, so they make sense only for a project. */
  boolean given() {
    return filters != null
        || states != null
        || tags != null
        || createdAfter != null
        || createdBefore != null
        || oldestFirst;
  }

  RunQuery query(int perPage) {
    RunQuery.Builder b = RunQuery.builder().perPage(perPage).filters(filters);
    if (states != null) {
      b.states(states.toArray(String[]::new));
    }
    if (tags != null) {
      b.tags(tags.toArray(String[]::new));
    }
    b.createdAfter(time(createdAfter, "--created-after"));
    b.createdBefore(time(createdBefore, "--created-before"));
    if (oldestFirst) {
      b.order("+created_at");
    }
    return b.build();
  }

  private static Instant time(String value, String option) {
    if (value == null) {
      return null;
    }
    try {
      return value.length() == 10
          ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option
              + " takes a date (2025-03-01) or a UTC time (2025-03-01T12:00:00Z), was '"
              + Names.escape(value)
              + "'");
    }
  }
}
