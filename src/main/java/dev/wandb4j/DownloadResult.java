package dev.wandb4j;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a bulk download did with one file.
 *
 * <p>Its JSON form is {@code {"file", "status", "path", "bytes", "error"}}: the file in {@link
 * File}'s form, the status's name, the path as a string, and the error as {@code {"type",
 * "message"}} (its class's simple name and its message, which never carries a key or a signed URL)
 * or {@code null}.
 *
 * @param file the file
 * @param status what happened
 * @param path where the file is (or would be) on disk; {@code null} when its name was refused
 * @param bytes bytes downloaded for it (0 when skipped or failed)
 * @param error why it failed, or {@code null}
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE,
    setterVisibility = Visibility.NONE,
    creatorVisibility = Visibility.NONE)
@JsonPropertyOrder({"file", "status", "path", "bytes", "error"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DownloadResult(
    @JsonProperty("file") File file,
    @JsonProperty("status") Status status,
    @JsonIgnore Path path,
    @JsonProperty("bytes") long bytes,
    @JsonIgnore Throwable error) {
  /** What a bulk download did with one file. */
  public enum Status {
    /** Downloaded and verified. */
    DOWNLOADED,
    /** Left alone because the target exists and {@code existOk} was set. */
    SKIPPED_EXISTS,
    /** Left alone because the local file already has the same size and MD5 ({@code sync}). */
    SKIPPED_UNCHANGED,
    /** Not downloaded; {@link DownloadResult#error()} says why. */
    FAILED
  }

  /**
   * Whether the file failed.
   *
   * @return {@code true} for {@link Status#FAILED}
   */
  public boolean isFailed() {
    return status == Status.FAILED;
  }

  @JsonProperty("path")
  private String pathText() {
    return path == null ? null : path.toString();
  }

  @JsonProperty("error")
  private Map<String, String> errorSummary() {
    if (error == null) {
      return null;
    }
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("type", error.getClass().getSimpleName());
    summary.put("message", error.getMessage());
    return summary;
  }
}
