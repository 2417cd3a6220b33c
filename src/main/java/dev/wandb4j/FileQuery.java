package dev.wandb4j;

import java.util.List;
import java.util.Objects;

/**
 * Which of a run's files to list, and how. Immutable; build one with {@link #builder()}.
 *
 * <p>Filters run on the server: {@code names} selects exact names, {@code pattern} is a MySQL
 * {@code LIKE} pattern ({@code %} matches any run of characters, {@code _} one character, and a
 * backslash escapes either). A query may use one of the two, not both.
 */
public final class FileQuery {
  /** Files per page when none is set: {@value}, as in W&amp;B's SDK. */
  public static final int DEFAULT_PER_PAGE = 50;

  /** The largest page size accepted: {@value}. */
  public static final int MAX_PER_PAGE = 1000;

  /** All files, {@value #DEFAULT_PER_PAGE} per page, without upload URLs. */
  public static final FileQuery DEFAULT = builder().build();

  private final List<String> names;
  private final String pattern;
  private final int perPage;
  private final boolean upload;

  private FileQuery(Builder b) {
    this.names = b.names;
    this.pattern = b.pattern;
    this.perPage = b.perPage;
    this.upload = b.upload;
  }

  /**
   * Starts a query with the defaults: all files, {@value #DEFAULT_PER_PAGE} per page.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder initialised from this query.
   *
   * @return a new builder with this query's settings
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.names = names;
    b.pattern = pattern;
    b.perPage = perPage;
    b.upload = upload;
    return b;
  }

  /**
   * The exact file names to select; empty means all.
   *
   * @return an immutable list
   */
  public List<String> names() {
    return names;
  }

  /**
   * The MySQL {@code LIKE} pattern to select by, or {@code null} for none.
   *
   * @return the pattern
   */
  public String pattern() {
    return pattern;
  }

  /**
   * How many files each page request asks for. This is a page size, not a limit: the listing still
   * returns every matching file (use {@code take(n)} to limit).
   *
   * @return the page size
   */
  public int perPage() {
    return perPage;
  }

  /**
   * Whether {@code File.url()} should hold upload (PUT) URLs instead of download URLs.
   *
   * @return {@code true} to ask for upload URLs
   */
  public boolean upload() {
    return upload;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FileQuery)) {
      return false;
    }
    FileQuery q = (FileQuery) o;
    return perPage == q.perPage
        && upload == q.upload
        && names.equals(q.names)
        && Objects.equals(pattern, q.pattern);
  }

  @Override
  public int hashCode() {
    return Objects.hash(names, pattern, perPage, upload);
  }

  @Override
  public String toString() {
    return "FileQuery{names="
        + names
        + ", pattern="
        + pattern
        + ", perPage="
        + perPage
        + ", upload="
        + upload
        + "}";
  }

  /** Builds a {@link FileQuery}. Not thread-safe; the query it builds is. */
  public static final class Builder {
    private List<String> names = List.of();
    private String pattern;
    private int perPage = DEFAULT_PER_PAGE;
    private boolean upload;

    private Builder() {}

    /**
     * Selects files by exact name. Default: empty (all files).
     *
     * @param names the names; copied
     * @return this builder
     * @throws NullPointerException if the list or a name is null
     */
    public Builder names(List<String> names) {
      this.names = List.copyOf(names);
      return this;
    }

    /**
     * Selects files whose names match a MySQL {@code LIKE} pattern, e.g. {@code %.json} or {@code
     * media/images/%}. Default: none.
     *
     * @param pattern the pattern, or {@code null} for none
     * @return this builder
     */
    public Builder pattern(String pattern) {
      this.pattern = pattern;
      return this;
    }

    /**
     * Sets the page size. Default: {@value FileQuery#DEFAULT_PER_PAGE}.
     *
     * @param perPage files per page request, from 1 to {@value FileQuery#MAX_PER_PAGE}
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
     * Asks for upload (PUT) URLs in {@code File.url()} instead of download URLs. Default: false.
     *
     * @param upload whether to ask for upload URLs
     * @return this builder
     */
    public Builder upload(boolean upload) {
      this.upload = upload;
      return this;
    }

    /**
     * Builds the query.
     *
     * @return the query
     * @throws IllegalArgumentException if both names and a pattern are set
     */
    public FileQuery build() {
      if (!names.isEmpty() && pattern != null) {
        throw new IllegalArgumentException(
            "A FileQuery takes names or a pattern, not both: W&B does not combine them");
      }
      return new FileQuery(this);
    }
  }
}
