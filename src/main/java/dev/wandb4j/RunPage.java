package dev.wandb4j;

import java.util.List;
import java.util.Objects;

/**
 * One page of a project's runs, with the cursor that resumes the listing after it. Persist {@link
 * #endCursor()} and pass it to {@link Project#runPages(RunQuery, String)} to continue later.
 */
public final class RunPage {
  private final List<RunInfo> runs;
  private final String endCursor;
  private final boolean hasNextPage;
  private final long totalCount;

  RunPage(List<RunInfo> runs, String endCursor, boolean hasNextPage, long totalCount) {
    this.runs = List.copyOf(runs);
    this.endCursor = endCursor;
    this.hasNextPage = hasNextPage;
    this.totalCount = totalCount;
  }

  /**
   * The runs on this page, in the query's order.
   *
   * @return an immutable list
   */
  public List<RunInfo> runs() {
    return runs;
  }

  /**
   * The cursor after this page's last run; {@code null} when the page is empty.
   *
   * @return the cursor
   */
  public String endCursor() {
    return endCursor;
  }

  /**
   * Whether the server has more runs after this page.
   *
   * @return {@code true} if another page follows
   */
  public boolean hasNextPage() {
    return hasNextPage;
  }

  /**
   * How many runs the query's filter selects in all, as W&amp;B counted them for this page.
   *
   * @return the count, or -1 if W&amp;B did not say
   */
  public long totalCount() {
    return totalCount;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunPage
        && ((RunPage) o).hasNextPage == hasNextPage
        && ((RunPage) o).totalCount == totalCount
        && ((RunPage) o).runs.equals(runs)
        && Objects.equals(((RunPage) o).endCursor, endCursor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runs, endCursor, hasNextPage, totalCount);
  }

  @Override
  public String toString() {
    return "RunPage{runs="
        + runs.size()
        + ", endCursor="
        + endCursor
        + ", hasNextPage="
        + hasNextPage
        + ", totalCount="
        + totalCount
        + "}";
  }
}
