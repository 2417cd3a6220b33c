package dev.wandb4j;

import dev.wandb4j.internal.RunFilters;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Which of a project's runs to list, in which order, and how many per page. Immutable; build one
 * with {@link #builder()}.
 *
 * <p>Filters run on the server, in W&amp;B's MongoDB-style syntax. The typed conditions cover the
 * common cases (state, tags, creation time, display name); {@link Builder#filters(String)} takes
 * any filter W&amp;B accepts, e.g. {@code {"config.lr.value": {"$lt": 0.01}}}. All conditions given
 * must hold.
 */
public final class RunQuery {
  /** Runs per page when none is set: {@value}, as in W&amp;B's SDK. */
  public static final int DEFAULT_PER_PAGE = 50;

  /** The largest page size accepted: {@value}. */
  public static final int MAX_PER_PAGE = 1000;

  /** The order when none is set: {@value}, newest first, as in W&amp;B's SDK. */
  public static final String DEFAULT_ORDER = "-created_at";

  /** All runs, newest first, {@value #DEFAULT_PER_PAGE} per page. */
  public static final RunQuery DEFAULT = builder().build();

  private final String rawFilters;
  private final List<String> states;
  private final List<String> tags;
  private final Instant createdAfter;
  private final Instant createdBefore;
  private final String displayNameRegex;
  private final String order;
  private final int perPage;
  private final String filters;

  private RunQuery(Builder b) {
    this.rawFilters = b.rawFilters;
    this.states = b.states;
    this.tags = b.tags;
    this.createdAfter = b.createdAfter;
    this.createdBefore = b.createdBefore;
    this.displayNameRegex = b.displayNameRegex;
    this.order = b.order;
    this.perPage = b.perPage;
    this.filters =
        RunFilters.combine(rawFilters, states, tags, createdAfter, createdBefore, displayNameRegex);
  }

  /**
   * Starts a query with the defaults: all runs, newest first.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder initialised from this query.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.rawFilters = rawFilters;
    b.states = states;
    b.tags = tags;
    b.createdAfter = createdAfter;
    b.createdBefore = createdBefore;
    b.displayNameRegex = displayNameRegex;
    b.order = order;
    b.perPage = perPage;
    return b;
  }

  /**
   * The filter sent to W&amp;B: every condition of this query joined with {@code $and}.
   *
   * @return the JSON filter, or {@code null} when the query selects every run
   */
  public String filters() {
    return filters;
  }

  /**
   * The order, a run field with {@code +} (ascending) or {@code -} (descending).
   *
   * @return the order
   */
  public String order() {
    return order;
  }

  /**
   * How many runs each page request asks for; a page size, not a limit.
   *
   * @return the page size
   */
  public int perPage() {
    return perPage;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunQuery
        && ((RunQuery) o).perPage == perPage
        && ((RunQuery) o).order.equals(order)
        && Objects.equals(((RunQuery) o).filters, filters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(filters, order, perPage);
  }

  @Override
  public String toString() {
    return "RunQuery{filters=" + filters + ", order=" + order + ", perPage=" + perPage + "}";
  }

  /** Builds a {@link RunQuery}. Not thread-safe; the query it builds is. */
  public static final class Builder {
    private String rawFilters;
    private List<String> states = List.of();
    private List<String> tags = List.of();
    private Instant createdAfter;
    private Instant createdBefore;
    private String displayNameRegex;
    private String order = DEFAULT_ORDER;
    private int perPage = DEFAULT_PER_PAGE;

    private Builder() {}

    /**
     * A filter in W&amp;B's MongoDB-style syntax, e.g. {@code {"state": "finished"}} or {@code
     * {"$or": [{"tags": "best"}, {"config.lr.value": {"$lt": 0.01}}]}}; joined with the typed
     * conditions. Default: none.
     *
     * @param json a JSON object, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if it is not one JSON object
     */
    public Builder filters(String json) {
      if (json != null) {
        RunFilters.checkObject(json);
      }
      this.rawFilters = json == null ? null : json.strip();
      return this;
    }

    /**
     * Only runs in one of these states, e.g. {@code finished}, {@code running}, {@code crashed},
     * {@code failed}, {@code killed}. Default: any state.
     *
     * @param states the states
     * @return this builder
     */
    public Builder states(String... states) {
      this.states = nonEmpty(List.of(states), "state");
      return this;
    }

    /**
     * Only runs with at least one of these tags. Default: any.
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(String... tags) {
      this.tags = nonEmpty(List.of(tags), "tag");
      return this;
    }

    /**
     * Only runs created after this time (to the second). Default: no bound.
     *
     * @param time the time, or {@code null} for none
     * @return this builder
     */
    public Builder createdAfter(Instant time) {
      this.createdAfter = time;
      return this;
    }

    /**
     * Only runs created before this time (to the second). Default: no bound.
     *
     * @param time the time, or {@code null} for none
     * @return this builder
     */
    public Builder createdBefore(Instant time) {
      this.createdBefore = time;
      return this;
    }

    /**
     * Only runs whose display name matches this regular expression (evaluated by W&amp;B), e.g.
     * {@code ^sweep-}. Default: any.
     *
     * @param regex the expression, or {@code null} for none
     * @return this builder
     */
    public Builder displayNameMatches(String regex) {
      this.displayNameRegex = regex;
      return this;
    }

    /**
     * The order: a run field with {@code +} or {@code -}, e.g. {@code +created_at} for oldest
     * first. Default: {@value RunQuery#DEFAULT_ORDER}.
     *
     * @param order the order
     * @return this builder
     * @throws IllegalArgumentException if it does not start with {@code +} or {@code -}
     */
    public Builder order(String order) {
      Objects.requireNonNull(order, "order");
      if (order.length() < 2 || order.charAt(0) != '+' && order.charAt(0) != '-') {
        throw new IllegalArgumentException(
            "An order is a run field after + or -, e.g. -created_at; was '" + order + "'");
      }
      this.order = order;
      return this;
    }

    /**
     * Sets the page size. Default: {@value RunQuery#DEFAULT_PER_PAGE}.
     *
     * @param perPage runs per page request, from 1 to {@value RunQuery#MAX_PER_PAGE}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder perPage(int perPage) {
      if (perPage < 1 || perPage > MAX_PER_PAGE) {
        throw new IllegalArgumentException(
            "perPage must be between 1 and " + MAX_PER_PAGE + ", was " + perPage);
      }
      this.perPage = perPage;
      return this;
    }

    /**
     * Builds the query.
     *
     * @return the query
     * @throws IllegalArgumentException if the creation times leave no run
     */
    public RunQuery build() {
      if (createdAfter != null && createdBefore != null && !createdAfter.isBefore(createdBefore)) {
        throw new IllegalArgumentException("createdAfter must be before createdBefore");
      }
      return new RunQuery(this);
    }

    private static List<String> nonEmpty(List<String> values, String what) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("Give at least one " + what);
      }
      for (String v : values) {
        if (v.isBlank()) {
          throw new IllegalArgumentException("A " + what + " must not be blank");
        }
      }
      return values;
    }
  }
}
