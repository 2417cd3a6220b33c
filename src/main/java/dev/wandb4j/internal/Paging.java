package dev.wandb4j.internal;

import dev.wandb4j.error.WandbException;
import java.util.List;
import java.util.Set;

/**
 * Where a listing goes after a page of a Relay connection, checked: a page that claims more but is
 * empty, gives no cursor, or gives a cursor seen before ends the listing with an error instead of
 * asking again forever. Internal.
 */
final class Paging {
  /**
   * What follows a page.
   *
   * @param cursor the cursor to continue from: the last edge's, else {@code pageInfo.endCursor}
   * @param hasNext whether another page follows
   */
  record Next(String cursor, boolean hasNext) {}

  private Paging() {}

  /**
   * Checks a page and says what follows it.
   *
   * @param conn the page
   * @param after the cursor the page was asked for after, for messages
   * @param seen the cursors seen so far in this listing; the next one is added
   * @param what names the listing in messages, e.g. "files of run acme/p/r"
   */
  static Next next(Dtos.ConnectionDto<?> conn, String after, Set<String> seen, String what) {
    List<? extends Dtos.EdgeDto<?>> edges = conn.edges() == null ? List.of() : conn.edges();
    String last = null;
    for (Dtos.EdgeDto<?> edge : edges) {
      if (edge != null && edge.cursor() != null) {
        last = edge.cursor();
      }
    }
    boolean hasNext = conn.pageInfo() != null && Boolean.TRUE.equals(conn.pageInfo().hasNextPage());
    String next =
        last != null ? last : conn.pageInfo() == null ? null : conn.pageInfo().endCursor();
    if (hasNext) {
      if (edges.isEmpty()) {
        throw new WandbException(
            "W&B returned an empty page of "
                + what
                + " that claims more follow (after cursor "
                + after
                + "); stopping instead of asking again forever",
            null,
            false);
      }
      if (next == null) {
        throw new WandbException(
            "W&B returned a page of "
                + what
                + " that claims more follow but gives no cursor to continue from",
            null,
            false);
      }
      if (!seen.add(next)) {
        throw new WandbException(
            "W&B returned cursor "
                + next
                + " again while listing "
                + what
                + "; stopping instead of looping",
            null,
            false);
      }
    }
    return new Next(next, hasNext);
  }
}
