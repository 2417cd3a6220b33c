package dev.wandb4j.flink;

import java.util.Arrays;
import java.util.Objects;

/**
 * One file of one run, as the source emits it: the run's and the file's metadata, and what the
 * source was configured to fetch of the file's content. An immutable value.
 *
 * <p>Which {@link Content} a record carries is decided per file by the source's settings: the bytes
 * of files up to {@link WandbFilesSource.Builder#bytesUpTo(long)}, the local path of files
 * downloaded under {@link WandbFilesSource.Builder#downloadTo(String)}, and otherwise the metadata
 * alone. A file that a {@link FileSelector} refused is not emitted at all.
 */
public final class WandbFileRecord {
  /** What of a file's content a record carries. */
  public enum Content {
    /** Metadata only: no byte of the file was read. */
    METADATA,
    /** The file's bytes, size and MD5 checked, in {@link WandbFileRecord#bytes()}. */
    BYTES,
    /** The file was downloaded, verified and moved into place at {@link #path()}. */
    DOWNLOADED
  }

  private final RunMetadata run;
  private final FileMetadata file;
  private final Content content;
  private final byte[] bytes;
  private final String path;

  private WandbFileRecord(
      RunMetadata run, FileMetadata file, Content content, byte[] bytes, String path) {
    this.run = Objects.requireNonNull(run, "run");
    this.file = Objects.requireNonNull(file, "file");
    this.content = content;
    this.bytes = bytes;
    this.path = path;
  }

  static WandbFileRecord metadata(RunMetadata run, FileMetadata file) {
    return new WandbFileRecord(run, file, Content.METADATA, null, null);
  }

  /** Takes the array without copying it: the caller hands it over. */
  static WandbFileRecord bytes(RunMetadata run, FileMetadata file, byte[] bytes) {
    return new WandbFileRecord(run, file, Content.BYTES, Objects.requireNonNull(bytes), null);
  }

  static WandbFileRecord downloaded(RunMetadata run, FileMetadata file, String path) {
    return new WandbFileRecord(run, file, Content.DOWNLOADED, null, Objects.requireNonNull(path));
  }

  /**
   * The run the file belongs to.
   *
   * @return the run's metadata
   */
  public RunMetadata run() {
    return run;
  }

  /**
   * The file.
   *
   * @return the file's metadata
   */
  public FileMetadata file() {
    return file;
  }

  /**
   * What of the file's content this record carries.
   *
   * @return the kind of content
   */
  public Content content() {
    return content;
  }

  /**
   * The file's bytes, when {@link #content()} is {@link Content#BYTES}.
   *
   * @return a copy of the bytes
   * @throws IllegalStateException if the record carries no bytes
   */
  public byte[] bytes() {
    if (bytes == null) {
      throw new IllegalStateException(
          "The record of " + describe() + " carries " + content + ", not the file's bytes");
    }
    return bytes.clone();
  }

  /**
   * Where the file was downloaded, when {@link #content()} is {@link Content#DOWNLOADED}: an
   * absolute path on the task manager that downloaded it, {@code <downloadTo>/<runId>/<name>}.
   *
   * @return the path
   * @throws IllegalStateException if the file was not downloaded
   */
  public String path() {
    if (path == null) {
      throw new IllegalStateException(
          "The record of " + describe() + " carries " + content + ", not a downloaded path");
    }
    return path;
  }

  /** The bytes themselves, for the serializer; not copied. */
  byte[] rawBytes() {
    return bytes;
  }

  /** The path, or {@code null}, for the serializer. */
  String rawPath() {
    return path;
  }

  static WandbFileRecord of(
      RunMetadata run, FileMetadata file, Content content, byte[] bytes, String path) {
    switch (content) {
      case BYTES:
        return bytes(run, file, bytes);
      case DOWNLOADED:
        return downloaded(run, file, path);
      default:
        return metadata(run, file);
    }
  }

  private String describe() {
    return run.path() + ":" + file.name();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WandbFileRecord)) {
      return false;
    }
    WandbFileRecord r = (WandbFileRecord) o;
    return run.equals(r.run)
        && file.equals(r.file)
        && content == r.content
        && Arrays.equals(bytes, r.bytes)
        && Objects.equals(path, r.path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(run, file, content, Arrays.hashCode(bytes), path);
  }

  /** Names the run, the file, its size and the kind of content; never the bytes. */
  @Override
  public String toString() {
    return "WandbFileRecord{" + describe() + ", " + file.size() + " bytes, " + content + "}";
  }
}
