package dev.wandb4j;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.wandb4j.error.WandbDeleteException;
import dev.wandb4j.internal.DownloadSpec;
import dev.wandb4j.internal.FileData;
import dev.wandb4j.internal.Journal;
import dev.wandb4j.internal.Outcome;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One file of a run, as W&amp;B described it when it was listed. An immutable value: equal files
 * have equal fields and belong to the same run path. Its operations are cold publishers.
 *
 * <p>Its JSON form, the same with Jackson 2 and Jackson 3 whatever the mapper's settings, is {@code
 * {"id", "name", "size", "md5", "mimetype", "updatedAt", "run"}}: {@code updatedAt} an ISO-8601
 * instant, {@code run} the run's path, absent values {@code null}. It has no URL: the download URL
 * and the signed storage URL are credentials of a kind, so a controller that returns files never
 * hands them out; one that means to reads {@link #url()} or {@link #directUrl()} itself.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE,
    setterVisibility = Visibility.NONE,
    creatorVisibility = Visibility.NONE)
@JsonPropertyOrder({"id", "name", "size", "md5", "mimetype", "updatedAt", "run"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class File {
  private final FileData data;
  private final Run run;

  File(FileData data, Run run) {
    this.data = data;
    this.run = run;
  }

  /**
   * W&amp;B's opaque ID of the file, which deleting takes.
   *
   * @return the ID
   */
  @JsonProperty("id")
  public String id() {
    return data.id();
  }

  /**
   * The file's path inside the run, e.g. {@code media/images/sample_3_ab12.png}.
   *
   * @return the name, a relative POSIX path as the server sent it
   */
  @JsonProperty("name")
  public String name() {
    return data.name();
  }

  /**
   * The download URL: usually {@code {base}/files/{entity}/{project}/{run}/{name}}, which takes the
   * API key and redirects to signed storage; an upload URL when listed with {@link
   * FileQuery.Builder#upload(boolean)}.
   *
   * @return the URL, or {@code null} when W&amp;B gave none
   */
  public String url() {
    return data.url();
  }

  /**
   * The signed storage URL (GCS, S3 or Azure); equal to {@link #url()} for reference files. Its
   * query string is a secret: do not log it.
   *
   * @return the URL, or {@code null}
   */
  public String directUrl() {
    return data.directUrl();
  }

  /**
   * The size in bytes.
   *
   * @return the size; files over 2 GiB are common
   */
  @JsonProperty("size")
  public long size() {
    return data.size();
  }

  /**
   * The MD5 digest in base64, as W&amp;B sends it, e.g. {@code mZFLkyvTelC5g8XnyQrpOw==}.
   *
   * @return the digest, or {@code null}
   */
  @JsonProperty("md5")
  public String md5() {
    return data.md5();
  }

  /**
   * The MIME type.
   *
   * @return the type, or {@code null} (W&amp;B often sends none)
   */
  @JsonProperty("mimetype")
  public String mimetype() {
    return data.mimetype();
  }

  /**
   * When the file last changed.
   *
   * @return the time, or {@code null} when W&amp;B gave none
   */
  public Instant updatedAt() {
    return data.updatedAt();
  }

  /**
   * The storage URI of the file, following the rules of W&amp;B's SDK: empty without a direct URL;
   * the direct URL itself for reference files (where it equals {@link #url()}); {@code
   * s3://bucket/key} for S3 URLs, virtual-hosted or path-style, without the query string; otherwise
   * empty.
   *
   * @return the URI, or an empty string
   */
  public String pathUri() {
    String direct = data.directUrl();
    if (direct == null || direct.isEmpty()) {
      return "";
    }
    if (direct.equals(data.url())) {
      return direct;
    }
    return s3Uri(direct);
  }

  static String s3Uri(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return "";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || !host.endsWith(".amazonaws.com")) {
      return "";
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (host.startsWith("s3.") || host.startsWith("s3-")) {
      // Path-style: s3[.-region].amazonaws.com/bucket/key
      int slash = path.indexOf('/');
      if (slash <= 0 || slash == path.length() - 1) {
        return "";
      }
      return "s3://" + path.substring(0, slash) + "/" + path.substring(slash + 1);
    }
    // Virtual-hosted: bucket.s3[.-region].amazonaws.com/key; bucket names may contain dots.
    int marker = Math.max(host.lastIndexOf(".s3."), host.lastIndexOf(".s3-"));
    if (marker <= 0 || path.isEmpty()) {
      return "";
    }
    return "s3://" + host.substring(0, marker) + "/" + path;
  }

  @JsonProperty("updatedAt")
  private String updatedAtText() {
    return data.updatedAt() == null ? null : data.updatedAt().toString();
  }

  @JsonProperty("run")
  private String runPath() {
    return run.path().toString();
  }

  /**
   * The run the file belongs to.
   *
   * @return the run
   */
  public Run run() {
    return run;
  }

  /**
   * Downloads the file to {@code root/name} with {@link DownloadOptions#DEFAULT}.
   *
   * @param root the folder to download into; created if missing
   * @return the final path
   * @see #download(Path, DownloadOptions)
   */
  public Mono<Path> download(Path root) {
    return download(root, DownloadOptions.DEFAULT);
  }

  /**
   * Downloads the file to {@code root/name}, creating parent folders.
   *
   * <p>The body streams from the network into a part file beside the target ({@code
   * <name>.wandb4j-part}), with no copy on the Java heap and a bounded number of writes in flight,
   * so memory stays flat whatever the size and a slow disk slows the socket. A broken connection is
   * resumed from the bytes already written with a {@code Range} request. The size, and unless
   * disabled the MD5, are checked before the part file is forced to disk and moved into place
   * atomically, and the folder forced after it: the final path never holds a partial or unverified
   * file, even after a power cut. On error or cancel the part file is removed. A part file left by
   * a process that was killed is picked up by the next download of the same file, which continues
   * from what it holds.
   *
   * <p>Errors: {@link java.nio.file.FileAlreadyExistsException} when the target exists and neither
   * {@code replace} nor {@code existOk} is set; {@link dev.wandb4j.error.WandbTransferException}
   * for a refused name (absolute, {@code ..}, control characters, or outside {@code root}: refused
   * before any request), a size or MD5 mismatch, a disk error or a connection that could not be
   * resumed; the other {@link dev.wandb4j.error.WandbException}s for HTTP failures.
   *
   * @param root the folder to download into; created if missing
   * @param options what to do with an existing file, what to verify, whom to tell
   * @return the final path
   */
  public Mono<Path> download(Path root, DownloadOptions options) {
    return downloadOutcome(root, options).map(Outcome::path);
  }

  Mono<Outcome> downloadOutcome(Path root, DownloadOptions options) {
    return downloadOutcome(root, options, null, null, null);
  }

  /**
   * As {@link #download(Path, DownloadOptions)}, for a bulk download: {@code written} hears the
   * bytes on disk grow (on I/O threads), {@code stop} ends the download, its part file removed
   * first, and {@code journal} records what is complete in the folder.
   */
  Mono<Outcome> downloadOutcome(
      Path root, DownloadOptions options, LongConsumer written, Mono<Void> stop, Journal journal) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    Consumer<DownloadProgress> listener = options.progress();
    DownloadSpec spec =
        new DownloadSpec(
            options.replace(),
            options.existOk(),
            options.verifyChecksum(),
            options.sync(),
            options.durable(),
            listener == null
                ? null
                : (bytes, total, context) ->
                    listener.accept(new DownloadProgress(this, bytes, total, context)),
            written,
            stop,
            journal,
            options.verifyExisting());
    return run.core()
        .downloader()
        .download(data, run.path().toString(), root, spec, this::refreshed);
  }

  /**
   * The file's bytes, streamed without touching the disk, e.g. as the body of a WebFlux response.
   * Same credentials, redirect, resume and retry rules as {@link #download(Path)}; the size is
   * checked at the end (the MD5 is not).
   *
   * <p><b>The subscriber owns every buffer it receives and must release each one exactly once</b>
   * ({@code buf.release()}, or hand it to something that does, such as Reactor Netty's {@code send}
   * or Spring's {@code NettyDataBufferFactory.wrap}). Buffers still queued when the subscriber
   * cancels are released by the client.
   *
   * @return the body as pooled buffers
   */
  public Flux<ByteBuf> content() {
    return content(0, data.size());
  }

  /**
   * Part of the file's bytes, e.g. to answer an HTTP {@code Range} request; otherwise as {@link
   * #content()}, including the buffer ownership rules.
   *
   * @param offset the first byte, from 0
   * @param length how many bytes, at most {@code size() - offset}
   * @return the bytes as pooled buffers that the subscriber releases
   * @throws IllegalArgumentException if the range lies outside the file
   */
  public Flux<ByteBuf> content(long offset, long length) {
    if (offset < 0 || length < 0 || length > data.size() - offset) {
      throw new IllegalArgumentException(
          "Range "
              + offset
              + "+"
              + length
              + " lies outside file '"
              + data.name()
              + "' of "
              + data.size()
              + " bytes");
    }
    return run.core()
        .downloader()
        .content(data, run.path().toString(), offset, length, this::refreshed);
  }

  private Mono<FileData> refreshed() {
    return run.core().files().file(run.path(), data.name());
  }

  /**
   * Deletes the file with one {@code deleteFiles} mutation. If its answer is lost, the file is
   * looked up before anything is sent again, as {@link
   * Run#deleteFiles(org.reactivestreams.Publisher, int)} describes. To delete many, use that
   * method, which batches.
   *
   * @return completes when W&amp;B confirms, or once the file is found gone; fails with the typed
   *     error that stopped the deletion
   */
  public Mono<Void> delete() {
    return run.deleteFiles(Flux.just(this), 1)
        .onErrorMap(
            e -> e instanceof WandbDeleteException && e.getCause() != null, Throwable::getCause)
        .then();
  }

  FileData data() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof File)) {
      return false;
    }
    File f = (File) o;
    return data.equals(f.data) && run.path().equals(f.run.path());
  }

  @Override
  public int hashCode() {
    return Objects.hash(data, run.path());
  }

  /** Names the file and its size; never shows URLs, whose query strings are secrets. */
  @Override
  public String toString() {
    return "File{" + run.path() + ":" + data.name() + ", " + data.size() + " bytes}";
  }
}
