package dev.wandb4j;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link File#download(java.nio.file.Path, DownloadOptions)} treats an existing target and what
 * it checks. Immutable; build one with {@link #builder()}.
 *
 * <p>As in W&amp;B's SDK: with neither {@code replace} nor {@code existOk}, an existing target
 * fails the download with {@link java.nio.file.FileAlreadyExistsException}; {@code existOk} returns
 * the existing file untouched without a request; {@code replace} downloads and replaces it
 * atomically (and wins if both are set).
 */
public final class DownloadOptions {
  /** No replace, no existOk, checksum verified, durable, no progress listener. */
  public static final DownloadOptions DEFAULT = builder().build();

  private final boolean replace;
  private final boolean existOk;
  private final boolean verifyChecksum;
  private final boolean sync;
  private final boolean failFast;
  private final boolean durable;
  private final boolean verifyExisting;
  private final Consumer<DownloadProgress> progress;

  private DownloadOptions(Builder b) {
    this.replace = b.replace;
    this.existOk = b.existOk;
    this.verifyChecksum = b.verifyChecksum;
    this.sync = b.sync;
    this.failFast = b.failFast;
    this.durable = b.durable;
    this.verifyExisting = b.verifyExisting;
    this.progress = b.progress;
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
    b.replace = replace;
    b.existOk = existOk;
    b.verifyChecksum = verifyChecksum;
    b.sync = sync;
    b.failFast = failFast;
    b.durable = durable;
    b.verifyExisting = verifyExisting;
    b.progress = progress;
    return b;
  }

  /**
   * Whether an existing target is replaced.
   *
   * @return the setting
   */
  public boolean replace() {
    return replace;
  }

  /**
   * Whether an existing target is accepted as it is.
   *
   * @return the setting
   */
  public boolean existOk() {
    return existOk;
  }

  /**
   * Whether the MD5 W&amp;B reports is checked before the file is moved into place.
   *
   * @return the setting
   */
  public boolean verifyChecksum() {
    return verifyChecksum;
  }

  /**
   * Whether a target that already has the file's size and MD5 is kept without a request, and any
   * other existing target replaced.
   *
   * @return the setting
   */
  public boolean sync() {
    return sync;
  }

  /**
   * Whether a bulk download stops at its first failure.
   *
   * @return the setting
   */
  public boolean failFast() {
    return failFast;
  }

  /**
   * Whether a downloaded file and its folder are forced to disk before the download reports
   * success.
   *
   * @return the setting
   */
  public boolean durable() {
    return durable;
  }

  /**
   * Whether {@code sync} reads every existing file again, ignoring what a bulk download recorded as
   * complete.
   *
   * @return the setting
   */
  public boolean verifyExisting() {
    return verifyExisting;
  }

  /**
   * The progress listener, or {@code null}.
   *
   * @return the listener
   */
  public Consumer<DownloadProgress> progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "DownloadOptions{replace="
        + replace
        + ", existOk="
        + existOk
        + ", verifyChecksum="
        + verifyChecksum
        + ", sync="
        + sync
        + ", failFast="
        + failFast
        + ", durable="
        + durable
        + ", verifyExisting="
        + verifyExisting
        + ", progress="
        + (progress != null)
        + "}";
  }

  /** Builds {@link DownloadOptions}. Not thread-safe; the options it builds are. */
  public static final class Builder {
    private boolean replace;
    private boolean existOk;
    private boolean verifyChecksum = true;
    private boolean sync;
    private boolean failFast;
    private boolean durable = true;
    private boolean verifyExisting;
    private Consumer<DownloadProgress> progress;

    private Builder() {}

    /**
     * With {@code sync} in a bulk download, read and hash every existing file, even one that the
     * folder's journal records as complete and that has not changed (same size and modification
     * time) since. Without it, such a file is kept without being read, so that running a large
     * download again costs a listing rather than a pass over every byte. Default: false.
     *
     * @param verifyExisting whether to hash every existing file
     * @return this builder
     */
    public Builder verifyExisting(boolean verifyExisting) {
      this.verifyExisting = verifyExisting;
      return this;
    }

    /**
     * Force each downloaded file to disk before it is moved into place, and its folder after, so
     * that a power cut can never leave a short or empty file at the final path. Turn it off for
     * data that is cheap to fetch again (a cache, a scratch folder): it saves a disk flush per
     * file, which matters most for many small files (see the benchmarks). Default: true.
     *
     * @param durable whether to force files and folders to disk
     * @return this builder
     */
    public Builder durable(boolean durable) {
      this.durable = durable;
      return this;
    }

    /**
     * Keep a target that already has the file's size and MD5 (one read of the local file, no
     * request), and download and replace any other existing target; so a second run fetches only
     * what changed. In a bulk download, files downloaded or found unchanged are recorded in a
     * journal in their folder ({@code .wandb4j-journal}), and a later run keeps a recorded file
     * that has not changed on disk (same size and modification time) without reading it again;
     * {@link #verifyExisting(boolean)} reads them all. Takes precedence over {@code existOk}.
     * Default: false.
     *
     * @param sync whether to synchronise
     * @return this builder
     */
    public Builder sync(boolean sync) {
      this.sync = sync;
      return this;
    }

    /**
     * For {@link Run#downloadAll}: end at the first failed file, cancelling the downloads in flight
     * (their part files are removed), instead of reporting it and going on. Default: false.
     *
     * @param failFast whether to stop at the first failure
     * @return this builder
     */
    public Builder failFast(boolean failFast) {
      this.failFast = failFast;
      return this;
    }

    /**
     * Replace an existing target, atomically, once the new file is complete and verified. Default:
     * false.
     *
     * @param replace whether to replace
     * @return this builder
     */
    public Builder replace(boolean replace) {
      this.replace = replace;
      return this;
    }

    /**
     * Accept an existing target as it is: no request, no check of its content. Default: false.
     *
     * @param existOk whether an existing file is fine
     * @return this builder
     */
    public Builder existOk(boolean existOk) {
      this.existOk = existOk;
      return this;
    }

    /**
     * Check the downloaded bytes against W&amp;B's MD5 (computed while writing, with no second pass
     * over the file). The size is always checked. Default: true.
     *
     * @param verifyChecksum whether to check the MD5
     * @return this builder
     */
    public Builder verifyChecksum(boolean verifyChecksum) {
      this.verifyChecksum = verifyChecksum;
      return this;
    }

    /**
     * Receives progress at most ten times a second, and exactly once at 100% when the file is
     * complete and verified, just before it is moved into place. Calls come off the client's I/O
     * threads (on Reactor's {@code boundedElastic} scheduler), in order and one at a time, so a
     * slow callback delays only its own later calls, never a download; while one runs, newer
     * reports replace each other and only the latest is delivered next. If it throws, the download
     * fails with that exception and nothing is moved into place. Default: none.
     *
     * @param listener the listener, or {@code null} for none
     * @return this builder
     */
    public Builder progress(Consumer<DownloadProgress> listener) {
      this.progress = listener;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public DownloadOptions build() {
      return new DownloadOptions(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DownloadOptions)) {
      return false;
    }
    DownloadOptions d = (DownloadOptions) o;
    return replace == d.replace
        && existOk == d.existOk
        && verifyChecksum == d.verifyChecksum
        && sync == d.sync
        && failFast == d.failFast
        && durable == d.durable
        && verifyExisting == d.verifyExisting
        && Objects.equals(progress, d.progress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        replace, existOk, verifyChecksum, sync, failFast, durable, verifyExisting, progress);
  }
}
