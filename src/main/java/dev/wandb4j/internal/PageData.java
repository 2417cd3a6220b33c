package dev.wandb4j.internal;

import java.util.List;

/**
 * One checked page of a listing.
 *
 * @param files the files on the page
 * @param endCursor the cursor to continue from, or {@code null}
 * @param hasNextPage whether the server has more
 */
public record PageData(List<FileData> files, String endCursor, boolean hasNextPage) {

  /** Shows each file as {@link FileData#toString()} does: URLs without their query strings. */
  @Override
  public String toString() {
    return "PageData{files="
        + files
        + ", endCursor="
        + endCursor
        + ", hasNextPage="
        + hasNextPage
        + "}";
  }
}
