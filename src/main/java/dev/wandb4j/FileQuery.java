package dev.wandb4j;

import java.util.List;
import java.util.Objects;

/**
 * Which of a run's files to list, and how. Immutable; build one with {@link #builder()}.
 *
 * <p>Filters run on the server: {@code names} selects exact names, {@code pattern} is a MySQL
 * {@code LIKE} pattern ({@code %} matches any run of characters, {@code _} one character, and a
 * backslash escapes either). A query may use one of the two, not both. A query with neither selects
 * every file; an empty list of names selects none.
 */
public final class FileQuery {
  /** Files per page when none is set: {@value}, as in W&amp;B's SDK. */
  public static final int DEFAULT_PER_PAGE = 50;

  /** The largest page size accepted: {@value}. */
  public static final int MAX_PER_PAGE = 1000;

  /** All files, {@value #DEFAULT_PER_PAGE} per page, without upload URLs. */
  public static final FileQuery DEFAULT = builder().build();

  private final List<String> names;
  private final boolean byName;
  private final String pattern;
  private final int perPage;
  private final boolean upload;

  private FileQuery(Builder b) {
    this.names = b.names;
    this.byName = b.byName;
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
    b.byName = byName;
    b.pattern = pattern;
    b.perPage = perPage;
    b.upload = upload;
    return b;
  }

  /**
   * The exact file names to select: empty when the query does not select by name, and also when it
   * selects by an empty list of names, which {@link #selectsByName()} tells apart.
   *
   * @return an immutable list
   */
  public List<String> names() {
    return names;
  }

  /**
   * Whether the query selects by exact name. With an empty {@link #names()} it then selects no file
   * at all: listing it sends no request and gives nothing, and deleting it deletes nothing.
   *
   * @return {@code true} once {@link Builder#names(List)} was given, even an empty list
   */
  public boolean selectsByName() {
    return byName;
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
        && byName == q.byName
        && names.equals(q.names)
        && Objects.equals(pattern, q.pattern);
  }

  @Override
  public int hashCode() {
    return Objects.hash(names, byName, pattern, perPage, upload);
  }

  @Override
  public String toString() {
    return "FileQuery{names="
        + (byName ? names : "(any)")
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
    private boolean byName;
    private String pattern;
    private int perPage = DEFAULT_PER_PAGE;
    private boolean upload;

    private Builder() {}

    /**
     * Selects files by exact name. Default: not set, so the query does not select by name.
     *
     * <p>An empty list selects no file, not every file: a selection computed from a user's choice
     * that came out empty must not turn into the whole run. (W&amp;B reads an empty list of names
     * as no filter at all, so the client sends no request for such a query.)
     *
     * @param names the names, each a file's path inside the run; copied
     * @return this builder
     * @throws NullPointerException if the list or a name is null
     * @throws IllegalArgumentException if a name is empty: no file has an empty name
     */
    public Builder names(List<String> names) {
      List<String> copy = List.copyOf(names);
      for (int i = 0; i < copy.size(); i++) {
        if (copy.get(i).isEmpty()) {
          throw new IllegalArgumentException(
              "File names must not be empty (name " + (i + 1) + " of " + copy.size() + " is)");
        }
      }
      this.names = copy;
      this.byName = true;
      return this;
    }

    /**
     * Selects files whose names match a MySQL {@code LIKE} pattern, e.g. {@code %.json} or {@code
     * media/images/%}. Default: none.
     *
     * @param pattern the pattern, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if the pattern is empty: it would select no file, or every
     *     file on a server that reads an empty pattern as none; pass {@code null} for none
     */
    public Builder pattern(String pattern) {
      if (pattern != null && pattern.isEmpty()) {
        throw new IllegalArgumentException(
            "A pattern must not be empty; pass null to select without a pattern");
      }
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
      if (byName && pattern != null) {
        throw new IllegalArgumentException(
            "A FileQuery takes names or a pattern, not both: W&B does not combine them");
      }
      return new FileQuery(this);
    }
  }
}
