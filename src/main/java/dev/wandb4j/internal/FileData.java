package dev.wandb4j.internal;

import java.time.Instant;

/**
 * One file as W&amp;B described it, checked: id and name present, size not negative.
 *
 * @param id W&amp;B's opaque file ID
 * @param name the relative POSIX path inside the run
 * @param url the download URL, or {@code null}
 * @param directUrl the direct storage URL, or {@code null}
 * @param size the size in bytes
 * @param md5 the base64 MD5, or {@code null}
 * @param mimetype the MIME type, or {@code null}
 * @param updatedAt when the file last changed, or {@code null}
 * @param projectId the run's integer project ID, which deleting needs
 */
public record FileData(
    String id,
    String name,
    String url,
    String directUrl,
    long size,
    String md5,
    String mimetype,
    Instant updatedAt,
    long projectId) {

  /** Shows the URLs without their query strings: a signed URL's signature is a secret. */
  @Override
  public String toString() {
    return "FileData{id="
        + id
        + ", name="
        + name
        + ", url="
        + shown(url)
        + ", directUrl="
        + shown(directUrl)
        + ", size="
        + size
        + ", md5="
        + md5
        + ", mimetype="
        + mimetype
        + ", updatedAt="
        + updatedAt
        + ", projectId="
        + projectId
        + "}";
  }

  private static String shown(String url) {
    if (url == null || url.isBlank()) {
      return String.valueOf(url);
    }
    try {
      return Redaction.uri(java.net.URI.create(url.strip()));
    } catch (IllegalArgumentException e) {
      return "(invalid URL)";
    }
  }
}
