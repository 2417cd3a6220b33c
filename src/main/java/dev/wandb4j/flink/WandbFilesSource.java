package dev.wandb4j.flink;

import dev.wandb4j.FileQuery;
import dev.wandb4j.ProjectPath;
import dev.wandb4j.RunQuery;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An Apache Flink source (FLIP-27) of the files of a W&amp;B project's runs, for exports and
 * pipelines that outgrow one machine.
 *
 * <pre>{@code
 * WandbFilesSource source = WandbFilesSource.builder()
 *     .project("acme/vision")
 *     .runs(RunQuery.builder().states("finished").build())
 *     .files(FileQuery.builder().pattern("%.json").build())
 *     .bytesUpTo(1 << 20)
 *     .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files")
 * }</pre>
 *
 * <p><b>Splits are runs.</b> The enumerator, on the job manager, lists the project's runs with the
 * query (W&amp;B's {@code Runs} operation, paged), and hands each run to the reader that asks for
 * work; a reader asks again when it has emitted a run's last file, so a reader that meets large
 * runs takes fewer of them. Bounded (the default), the runs are listed once and the source ends
 * when every run is read. {@link Builder#continuous(Duration) Continuous}, the runs are listed
 * again every interval and each run not seen before is handed out, e.g. a run that reached {@code
 * finished}; each run is read once, so follow runs whose files no longer change (select finished
 * runs).
 *
 * <p><b>Records.</b> A reader lists its run's files page by page as its output has room, and emits
 * a {@link WandbFileRecord} per file: the run's and the file's metadata and, as configured, the
 * bytes of small files ({@link Builder#bytesUpTo(long)}), or the local path of files downloaded
 * atomically, verified, under a directory ({@link Builder#downloadTo(String)}), or nothing more
 * (the default). A {@link FileSelector} decides from the metadata, before any byte moves, which
 * files are fetched and emitted at all; the metadata-only default lets a pipeline look at the files
 * first and fetch what it keeps with the library.
 *
 * <p><b>Checkpoints.</b> Each run's split holds its position in the run's file listing, updated as
 * each record is emitted; the enumerator holds the runs found, handed out and finished. A job
 * restored from a checkpoint lists each run on from its position: the source emits each selected
 * file of each run once (a file fetched after the checkpoint is fetched again; a download finds it
 * in place, with its size and MD5, and keeps it). W&amp;B's cursors are positions in a listing:
 * files deleted from a run while it is read, or runs leaving the query while it is listed, shift
 * later positions (a continuous source finds a shifted run at its next listing).
 *
 * <p><b>Deletions.</b> What W&amp;B no longer has is passed over with a warning in the log, and the
 * job goes on: a run deleted after the enumerator listed it ends with the files emitted so far, and
 * a file deleted after its page was listed is not emitted, the run's position then counting without
 * it, so that the files after it are neither skipped nor repeated. A failure would come back after
 * every restart.
 *
 * <p><b>Resources.</b> The readers of one task manager with equal {@link WandbConnection}s share
 * one {@link dev.wandb4j.WandbClient} (one connection pool, one memory budget for downloads),
 * opened with the first and closed with the last. Each reader fetches at most {@link
 * Builder#concurrency(int)} files at a time, and holds at most four fetches of file bytes in
 * memory, each at most {@link Builder#maxBytesPerFetch(long)} or one file of {@link
 * Builder#bytesUpTo(long)}. Readers run on Flink's threads and wait there, never on the client's
 * event loops.
 */
public final class WandbFilesSource
    implements Source<WandbFileRecord, RunSplit, EnumeratorState>,
        ResultTypeQueryable<WandbFileRecord> {
  private static final long serialVersionUID = 1L;

  /** How often a continuous source lists the project's runs unless told: every minute. */
  public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofMinutes(1);

  /** Files each reader fetches at once unless told: {@value}. */
  public static final int DEFAULT_CONCURRENCY = 8;

  /** The file bytes one fetch of a reader gathers unless told: {@value} bytes (8 MiB). */
  public static final long DEFAULT_MAX_BYTES_PER_FETCH = 8L << 20;

  /** The largest file whose bytes a record may carry: {@value} bytes (64 MiB). */
  public static final long MAX_BYTES_UP_TO = 64L << 20;

  /** How long one fetch of a reader may take unless told: one hour. */
  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofHours(1);

  private final SourceSettings settings;

  private WandbFilesSource(SourceSettings settings) {
    this.settings = settings;
  }

  /**
   * Starts configuring a source.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  SourceSettings settings() {
    return settings;
  }

  @Override
  public Boundedness getBoundedness() {
    return settings.continuous ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
  }

  @Override
  public SplitEnumerator<RunSplit, EnumeratorState> createEnumerator(
      SplitEnumeratorContext<RunSplit> context) {
    return new RunEnumerator(context, settings, EnumeratorState.empty());
  }

  @Override
  public SplitEnumerator<RunSplit, EnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<RunSplit> context, EnumeratorState checkpoint) {
    return new RunEnumerator(context, settings, checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<RunSplit> getSplitSerializer() {
    return RunSplitSerializer.INSTANCE;
  }

  @Override
  public SimpleVersionedSerializer<EnumeratorState> getEnumeratorCheckpointSerializer() {
    return EnumeratorStateSerializer.INSTANCE;
  }

  @Override
  public SourceReader<WandbFileRecord, RunSplit> createReader(SourceReaderContext context) {
    return new RunFilesReader(context, settings);
  }

  @Override
  public TypeInformation<WandbFileRecord> getProducedType() {
    return new WandbFileRecordTypeInfo();
  }

  @Override
  public String toString() {
    return "WandbFilesSource{"
        + settings.entity
        + "/"
        + settings.project
        + (settings.continuous ? ", continuous" : ", bounded")
        + ", "
        + settings.connection
        + "}";
  }

  /** Configures a {@link WandbFilesSource}. Not thread-safe. */
  public static final class Builder {
    private ProjectPath project;
    private RunQuery runs = RunQuery.DEFAULT;
    private FileQuery files = FileQuery.DEFAULT;
    private WandbConnection connection = WandbConnection.DEFAULT;
    private boolean continuous;
    private Duration discoveryInterval = DEFAULT_DISCOVERY_INTERVAL;
    private long bytesUpTo;
    private String downloadTo;
    private FileSelector selector;
    private int concurrency = DEFAULT_CONCURRENCY;
    private long maxBytesPerFetch = DEFAULT_MAX_BYTES_PER_FETCH;
    private Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;

    private Builder() {}

    /**
     * The project whose runs' files to read. Required.
     *
     * @param path {@code entity/project}
     * @return this builder
     * @throws IllegalArgumentException if the path is malformed
     */
    public Builder project(String path) {
      this.project = ProjectPath.parse(Objects.requireNonNull(path, "path"));
      return this;
    }

    /**
     * Which runs to read, filtered by W&amp;B. Default: {@link RunQuery#DEFAULT}, every run.
     *
     * @param runs the query
     * @return this builder
     */
    public Builder runs(RunQuery runs) {
      this.runs = Objects.requireNonNull(runs, "runs");
      return this;
    }

    /**
     * Which files of each run to read, filtered by W&amp;B; its page size is the size of each
     * listing request. Default: {@link FileQuery#DEFAULT}, every file, 50 per page.
     *
     * @param files the query
     * @return this builder
     * @throws IllegalArgumentException if it asks for upload URLs
     */
    public Builder files(FileQuery files) {
      Objects.requireNonNull(files, "files");
      if (files.upload()) {
        throw new IllegalArgumentException(
            "The source reads files; a FileQuery that asks for upload URLs has no place here");
      }
      this.files = files;
      return this;
    }

    /**
     * How the enumerator and the readers reach W&amp;B. Default: {@link WandbConnection#DEFAULT},
     * the base URL and API key from each machine's environment.
     *
     * @param connection the settings
     * @return this builder
     */
    public Builder connection(WandbConnection connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /**
     * Lists the project's runs once and ends when every run is read. The default.
     *
     * @return this builder
     */
    public Builder bounded() {
      this.continuous = false;
      return this;
    }

    /**
     * Follows the project: lists its runs again every interval and reads each run not seen before.
     * Each run is read once, so select runs whose files no longer change, e.g. {@code
     * RunQuery.builder().states("finished")}. Default: bounded.
     *
     * @param interval the time between two listings, at least 100 ms; default {@link
     *     #DEFAULT_DISCOVERY_INTERVAL}
     * @return this builder
     */
    public Builder continuous(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("The discovery interval must be at least 100 ms");
      }
      this.continuous = true;
      this.discoveryInterval = interval;
      return this;
    }

    /**
     * Records of files up to this size carry the file's bytes, read into memory and checked against
     * the file's size and MD5. Larger files are downloaded if {@link #downloadTo(String)} is set,
     * and otherwise emitted with their metadata alone. Default: 0, no bytes.
     *
     * @param maxBytes from 0 to {@value WandbFilesSource#MAX_BYTES_UP_TO}
     * @return this builder
     */
    public Builder bytesUpTo(long maxBytes) {
      if (maxBytes < 0 || maxBytes > MAX_BYTES_UP_TO) {
        throw new IllegalArgumentException(
            "bytesUpTo must be between 0 and " + MAX_BYTES_UP_TO + " bytes: " + maxBytes);
      }
      this.bytesUpTo = maxBytes;
      return this;
    }

    /**
     * Downloads the files whose bytes records do not carry into {@code directory/<runId>/<name>} on
     * the task manager that reads the run: atomically, verified and forced to disk, as {@link
     * dev.wandb4j.File#download} does; a file already there with the same size and MD5 is kept. Use
     * a directory every task manager can write, on a local disk or a shared mount. Default: none.
     *
     * @param directory an absolute path, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute path
     */
    public Builder downloadTo(String directory) {
      if (directory != null) {
        try {
          if (!Path.of(directory).isAbsolute()) {
            throw new IllegalArgumentException(
                "downloadTo needs an absolute path, the same on every task manager: " + directory);
          }
        } catch (InvalidPathException e) {
          throw new IllegalArgumentException("downloadTo is not a path: " + e.getMessage(), e);
        }
      }
      this.downloadTo = directory;
      return this;
    }

    /**
     * Which listed files to fetch and emit, decided from their metadata before any byte moves.
     * Default: every file the {@link #files(FileQuery) query} lists.
     *
     * @param selector a deterministic, serializable choice, or {@code null} for every file
     * @return this builder
     */
    public Builder select(FileSelector selector) {
      this.selector = selector;
      return this;
    }

    /**
     * Files each reader fetches at once. Default: {@value WandbFilesSource#DEFAULT_CONCURRENCY}.
     *
     * @param concurrency from 1 to 256
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 256) {
        throw new IllegalArgumentException("concurrency must be between 1 and 256: " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * The file bytes one fetch of a reader gathers before handing its records to Flink; a reader
     * holds at most four fetches. Default: {@value WandbFilesSource#DEFAULT_MAX_BYTES_PER_FETCH}
     * bytes.
     *
     * @param bytes 64 KiB or more
     * @return this builder
     */
    public Builder maxBytesPerFetch(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException("maxBytesPerFetch must be at least 64 KiB: " + bytes);
      }
      this.maxBytesPerFetch = bytes;
      return this;
    }

    /**
     * How long one fetch of a reader (a page of a listing, or the files of one fetch) may take
     * before the reader fails, and Flink restarts it from its last checkpoint. The client's own
     * timeouts catch a stalled request long before; this is the last guard. Default: one hour.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder fetchTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("fetchTimeout must be positive: " + timeout);
      }
      this.fetchTimeout = timeout;
      return this;
    }

    /**
     * Builds the source.
     *
     * @return the source
     * @throws IllegalStateException if no project was given
     */
    public WandbFilesSource build() {
      if (project == null) {
        throw new IllegalStateException("Give the project: builder().project(\"entity/project\")");
      }
      return new WandbFilesSource(
          new SourceSettings(
              project,
              runs,
              files,
              connection,
              continuous,
              discoveryInterval,
              bytesUpTo,
              downloadTo,
              selector,
              concurrency,
              maxBytesPerFetch,
              fetchTimeout));
    }
  }
}
