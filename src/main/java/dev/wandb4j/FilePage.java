package dev.wandb4j;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * One page of a run's file listing, with the cursor that resumes the listing after it.
 *
 * <p>Persist {@link #endCursor()} and pass it to {@link Run#filePages(FileQuery, String)} to
 * continue later, in this process or another.
 *
 * <p>Its JSON form is {@code {"files", "endCursor", "hasNextPage"}}, the files in {@link File}'s
 * form.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE,
    setterVisibility = Visibility.NONE,
    creatorVisibility = Visibility.NONE)
@JsonPropertyOrder({"files", "endCursor", "hasNextPage"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class FilePage {
  private final List<File> files;
  private final String endCursor;
  private final boolean hasNextPage;

  FilePage(List<File> files, String endCursor, boolean hasNextPage) {
    this.files = List.copyOf(files);
    this.endCursor = endCursor;
    this.hasNextPage = hasNextPage;
  }

  /**
   * The files on this page, in the server's order.
   *
   * @return an immutable list
   */
  @JsonProperty("files")
  public List<File> files() {
    return files;
  }

  /**
   * The cursor after this page's last file; {@code null} when the page is empty.
   *
   * @return the cursor
   */
  @JsonProperty("endCursor")
  public String endCursor() {
    return endCursor;
  }

  /**
   * Whether the server has more files after this page.
   *
   * @return {@code true} if another page follows
   */
  @JsonProperty("hasNextPage")
  public boolean hasNextPage() {
    return hasNextPage;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FilePage)) {
      return false;
    }
    FilePage p = (FilePage) o;
    return hasNextPage == p.hasNextPage
        && files.equals(p.files)
        && Objects.equals(endCursor, p.endCursor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(files, endCursor, hasNextPage);
  }

  @Override
  public String toString() {
    return "FilePage{files="
        + files.size()
        + ", endCursor="
        + endCursor
        + ", hasNextPage="
        + hasNextPage
        + "}";
  }
}
