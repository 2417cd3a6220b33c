package dev.wandb4j.flink;

import dev.wandb4j.File;
import java.time.Instant;
import java.util.Objects;

/**
 * What W&amp;B said of one file of a run when the source listed it. An immutable value without
 * URLs: signed storage URLs are secrets that expire, and never enter a record or a checkpoint.
 */
public final class FileMetadata {
  private final String id;
  private final String name;
  private final long size;
  private final String md5;
  private final String mimetype;
  private final Instant updatedAt;

  FileMetadata(String id, String name, long size, String md5, String mimetype, Instant updatedAt) {
    this.id = Objects.requireNonNull(id, "id");
    this.name = Objects.requireNonNull(name, "name");
    this.size = size;
    this.md5 = md5;
    this.mimetype = mimetype;
    this.updatedAt = updatedAt;
  }

  static FileMetadata of(File f) {
    return new FileMetadata(f.id(), f.name(), f.size(), f.md5(), f.mimetype(), f.updatedAt());
  }

  /**
   * W&amp;B's opaque ID of the file.
   *
   * @return the ID
   */
  public String id() {
    return id;
  }

  /**
   * The file's path inside the run, e.g. {@code media/images/a.png}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The size in bytes.
   *
   * @return the size
   */
  public long size() {
    return size;
  }

  /**
   * The MD5 digest in base64, as W&amp;B sends it.
   *
   * @return the digest, or {@code null}
   */
  public String md5() {
    return md5;
  }

  /**
   * The MIME type.
   *
   * @return the type, or {@code null}
   */
  public String mimetype() {
    return mimetype;
  }

  /**
   * When the file last changed.
   *
   * @return the time, or {@code null}
   */
  public Instant updatedAt() {
    return updatedAt;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FileMetadata)) {
      return false;
    }
    FileMetadata f = (FileMetadata) o;
    return size == f.size
        && id.equals(f.id)
        && name.equals(f.name)
        && Objects.equals(md5, f.md5)
        && Objects.equals(mimetype, f.mimetype)
        && Objects.equals(updatedAt, f.updatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, size, md5, mimetype, updatedAt);
  }

  @Override
  public String toString() {
    return "FileMetadata{" + name + ", " + size + " bytes}";
  }
}
