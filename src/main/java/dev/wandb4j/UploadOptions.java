package dev.wandb4j;

import dev.wandb4j.internal.SafePaths;
import java.util.Objects;

/**
 * How {@link Run#upload(java.nio.file.Path, String, UploadOptions)} and {@link
 * Run#uploadAll(java.nio.file.Path, UploadOptions, int)} treat files. Immutable; build one with
 * {@link #builder()}.
 *
 * <p>Whatever the options, every upload is checked: after the PUT, the file is looked up as W&amp;B
 * lists it, and its size and MD5 must be the local file's.
 */
public final class UploadOptions {
  /** No sync, no failFast, no name prefix. */
  public static final UploadOptions DEFAULT = builder().build();

  private final boolean sync;
  private final boolean failFast;
  private final String namePrefix;

  private UploadOptions(Builder b) {
    this.sync = b.sync;
    this.failFast = b.failFast;
    this.namePrefix = b.namePrefix;
  }

  /**
   * Starts with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder initialised from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sync = sync;
    b.failFast = failFast;
    b.namePrefix = namePrefix;
    return b;
  }

  /**
   * Whether a file that W&amp;B already lists with the local file's size and MD5 is left alone.
   *
   * @return the setting
   */
  public boolean sync() {
    return sync;
  }

  /**
   * Whether a bulk upload stops at its first failure.
   *
   * @return the setting
   */
  public boolean failFast() {
    return failFast;
  }

  /**
   * What a bulk upload puts before each file's path under its folder to make its name.
   *
   * @return the prefix, empty by default
   */
  public String namePrefix() {
    return namePrefix;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UploadOptions
        && ((UploadOptions) o).sync == sync
        && ((UploadOptions) o).failFast == failFast
        && ((UploadOptions) o).namePrefix.equals(namePrefix);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sync, failFast, namePrefix);
  }

  @Override
  public String toString() {
    return "UploadOptions{sync="
        + sync
        + ", failFast="
        + failFast
        + ", namePrefix='"
        + SafePaths.printable(namePrefix)
        + "'}";
  }

  /** Builds {@link UploadOptions}. Not thread-safe; the options it builds are. */
  public static final class Builder {
    private boolean sync;
    private boolean failFast;
    private String namePrefix = "";

    private Builder() {}

    /**
     * Leave alone a file that W&amp;B already lists under its name with the local file's size and
     * MD5 (the local file is read once to compare, nothing is sent), and upload any other; so
     * running the same upload again sends only what changed or is missing. Default: false, every
     * file is sent.
     *
     * @param sync whether to synchronise
     * @return this builder
     */
    public Builder sync(boolean sync) {
      this.sync = sync;
      return this;
    }

    /**
     * Stop a bulk upload at its first failed file: uploads in flight are cancelled (storage keeps
     * nothing of an upload cut short) and files not started are left alone. Default: false, every
     * file is tried and each failure reported.
     *
     * @param failFast whether to stop at the first failure
     * @return this builder
     */
    public Builder failFast(boolean failFast) {
      this.failFast = failFast;
      return this;
    }

    /**
     * What a bulk upload puts before each file's path under its folder to make the file's name in
     * the run, e.g. {@code "eval/"} uploads {@code out/a/b.json} from folder {@code out} as {@code
     * eval/a/b.json}. A single {@link Run#upload(java.nio.file.Path, String, UploadOptions)} takes
     * its name as given. Default: empty.
     *
     * @param namePrefix a prefix that keeps names relative paths of plain segments (no leading
     *     {@code /}, no {@code ..}, no control characters); usually it ends with {@code /}
     * @return this builder
     * @throws IllegalArgumentException if names made with it would be refused
     */
    public Builder namePrefix(String namePrefix) {
      Objects.requireNonNull(namePrefix, "namePrefix");
      String why = namePrefix.isEmpty() ? null : SafePaths.problem(namePrefix + "x");
      if (why != null) {
        throw new IllegalArgumentException(
            "namePrefix '"
                + SafePaths.printable(namePrefix)
                + "' cannot start a file name: "
                + why);
      }
      this.namePrefix = namePrefix;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public UploadOptions build() {
      return new UploadOptions(this);
    }
  }
}
