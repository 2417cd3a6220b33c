package dev.wandb4j.flink;

import static dev.wandb4j.flink.FlinkTesting.bytes;
import static dev.wandb4j.flink.FlinkTesting.connection;
import static dev.wandb4j.flink.FlinkTesting.fileGets;
import static dev.wandb4j.flink.FlinkTesting.graphQl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.wandb4j.FileQuery;
import dev.wandb4j.RunQuery;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source in real jobs, on Flink's MiniCluster (one task manager, two slots) against the
 * emulator: a bounded export at parallelism 2, a failure recovered from a checkpoint, and a
 * continuous job that picks up a run added while it runs.
 */
class SourceOnMiniClusterTest {
  static {
    // Before the cluster starts.
    FlinkTesting.quietFlinkLogs();
  }

  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  /** The emulator's key: no log line, error or checkpoint of any job may carry it. */
  static final String KEY = "s3cret-k3y-0123456789abcdef0123456789abcdef";

  /** The emulator of the running test, for the failing step to reach. */
  static volatile WandbEmulator current;

  @TempDir Path downloads;
  @TempDir Path checkpoints;
  private WandbEmulator emu;
  private FlinkTesting.LogCapture logs;
  private final Map<String, byte[]> content = new HashMap<>();

  private MiniCluster cluster;

  @BeforeEach
  void setUp(@InjectMiniCluster MiniCluster cluster) {
    this.cluster = cluster;
    logs = new FlinkTesting.LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
    FlinkTesting.logLevel("dev.wandb4j", ch.qos.logback.classic.Level.DEBUG);
    emu = WandbEmulator.builder().apiKey(KEY).start();
    current = emu;
  }

  /**
   * An environment at parallelism 2 on the cluster, configured as given and nothing else (the
   * context environment of Flink's test utilities would randomize settings from the commit hash).
   */
  private StreamExecutionEnvironment env(Configuration conf) {
    StreamExecutionEnvironment env =
        new TestStreamEnvironment(cluster, conf, 2, List.of(), List.of());
    env.configure(conf);
    return env;
  }

  @AfterEach
  void tearDown() throws Exception {
    // A cancelled job ends in the background: wait for it, then for its readers to close.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline
        && (cluster.listJobs().get().stream().anyMatch(j -> !j.getJobState().isTerminalState())
            || SharedClients.openClients() > 0)) {
      Thread.sleep(20);
    }
    current = null;
    emu.close();
    logs.close();
    FlinkTesting.logLevel("dev.wandb4j", null);
    assertThat(SharedClients.openClients()).as("clients left open by the job").isZero();
    // wandb4j's own logs at DEBUG, Flink's at WARN, with their stack traces.
    assertThat(logs.events()).isNotEmpty();
    for (String key : FlinkTesting.keyForms(KEY)) {
      assertThat(logs.events()).as("log lines").noneMatch(line -> line.contains(key));
    }
  }

  private void addRun(String path, String state, int files, int smallest) {
    var run = emu.run(path).state(state);
    for (int f = 0; f < files; f++) {
      byte[] b = bytes(smallest + 700 * f, (path + f).hashCode());
      run.addFile("out/" + f + ".bin", b);
      content.put(path + ":out/" + f + ".bin", b);
    }
  }

  private static String key(WandbFileRecord r) {
    return r.run().path() + ":" + r.file().name();
  }

  @Test
  void aBoundedExportAtParallelismTwoEmitsEveryFileOnceWithItsBytesOrItsDownloadedPath()
      throws Exception {
    for (int r = 0; r < 5; r++) {
      addRun("acme/vision/run" + r, "finished", 7, 100);
    }
    emu.run("acme/other/x").addFile("never.bin", new byte[10]);
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .files(FileQuery.builder().perPage(3).build())
            .connection(connection(emu))
            .bytesUpTo(2000)
            .downloadTo(downloads.toString())
            .concurrency(2)
            .build();

    StreamExecutionEnvironment env = env(new Configuration());
    List<WandbFileRecord> records =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files")
            .executeAndCollect(100);

    assertThat(records).hasSize(35);
    assertThat(records.stream().map(SourceOnMiniClusterTest::key)).doesNotHaveDuplicates();
    assertThat(records.stream().map(SourceOnMiniClusterTest::key).collect(Collectors.toSet()))
        .isEqualTo(content.keySet());
    for (WandbFileRecord r : records) {
      byte[] expected = content.get(key(r));
      assertThat(r.run().state()).isEqualTo("finished");
      assertThat(r.file().size()).isEqualTo(expected.length);
      if (expected.length <= 2000) {
        assertThat(r.content()).isEqualTo(WandbFileRecord.Content.BYTES);
        assertThat(r.bytes()).isEqualTo(expected);
      } else {
        assertThat(r.content()).isEqualTo(WandbFileRecord.Content.DOWNLOADED);
        Path path = Path.of(r.path());
        assertThat(path).isEqualTo(downloads.resolve(r.run().runId()).resolve(r.file().name()));
        assertThat(Files.readAllBytes(path)).isEqualTo(expected);
      }
    }
    // On the wire: the runs listed once, each run's three pages of files listed once, and each
    // file fetched once; the other project untouched.
    assertThat(graphQl(emu, "Runs")).hasSize(1);
    List<RecordedRequest> listings = graphQl(emu, "RunFiles");
    assertThat(listings).hasSize(15);
    for (int r = 0; r < 5; r++) {
      String run = "acme/vision/run" + r;
      assertThat(fileGets(emu.requests(), run))
          .containsExactlyInAnyOrderElementsOf(
              List.of(
                  "out/0.bin",
                  "out/1.bin",
                  "out/2.bin",
                  "out/3.bin",
                  "out/4.bin",
                  "out/5.bin",
                  "out/6.bin"));
    }
    assertThat(emu.requests()).noneMatch(req -> req.path().contains("/acme/other/"));
  }

  /**
   * Fails the job once, on the first record after a checkpoint that covered files completed, and
   * records which files each completed checkpoint had seen pass: the files seen when the
   * checkpoint's barrier passed, not when its completion was told, since records flow on in
   * between.
   */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<WandbFileRecord, String>
      implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger REQUESTS_AT_FAILURE = new AtomicInteger();
    static final Map<Long, List<String>> SEEN_AT_CHECKPOINT = new ConcurrentHashMap<>();

    /** Where the job's checkpoints are written, and the files found there as each completed. */
    static volatile Path checkpointDir;

    static final Map<String, byte[]> CHECKPOINT_FILES = new ConcurrentHashMap<>();
    private transient List<String> seen;
    private transient Map<Long, List<String>> snapshots;
    private volatile boolean checkpointed;

    @Override
    public void open(OpenContext context) {
      seen = new ArrayList<>();
      snapshots = new HashMap<>();
    }

    @Override
    public String map(WandbFileRecord r) {
      if (checkpointed && seen.size() >= 4 && FAILED.compareAndSet(false, true)) {
        REQUESTS_AT_FAILURE.set(current.requests().size());
        throw new IllegalStateException("injected failure");
      }
      seen.add(key(r));
      return key(r) + "=" + Arrays.hashCode(r.bytes());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
      // Nothing kept: the test reads what passed through the static map.
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
      snapshots.put(context.getCheckpointId(), new ArrayList<>(seen));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      List<String> atBarrier = snapshots.remove(checkpointId);
      if (atBarrier != null && !FAILED.get()) {
        SEEN_AT_CHECKPOINT.merge(
            checkpointId,
            atBarrier,
            (a, b) -> {
              List<String> all = new ArrayList<>(a);
              all.addAll(b);
              return all;
            });
        // Fail only once a checkpoint covers files of this subtask, so that there is something
        // the restored job must not fetch again.
        checkpointed |= !atBarrier.isEmpty();
      }
      keepCheckpointFiles();
    }

    /** Copies what the checkpoints hold now: a finished job's checkpoints are deleted with it. */
    private static void keepCheckpointFiles() {
      try (Stream<Path> walk = Files.walk(checkpointDir)) {
        for (Path f : walk.filter(Files::isRegularFile).toList()) {
          try {
            CHECKPOINT_FILES.put(f.toString(), Files.readAllBytes(f));
          } catch (IOException subsumed) {
            // An older checkpoint, deleted meanwhile.
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // The folder changed while it was walked: the next checkpoint copies it again.
      }
    }
  }

  @Test
  void aJobRestoredFromACheckpointNeitherRepeatsNorSkipsAFile() throws Exception {
    for (int r = 0; r < 4; r++) {
      addRun("acme/vision/run" + r, "finished", 12, 10);
    }
    // Slow enough that checkpoints complete while the runs are being read.
    emu.faults().requestLatency(Duration.ofMillis(25));
    FailOnceAfterCheckpoint.FAILED.set(false);
    FailOnceAfterCheckpoint.SEEN_AT_CHECKPOINT.clear();
    FailOnceAfterCheckpoint.CHECKPOINT_FILES.clear();
    FailOnceAfterCheckpoint.checkpointDir = checkpoints;
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .files(FileQuery.builder().perPage(3).build())
            .connection(connection(emu))
            .bytesUpTo(1 << 20)
            .concurrency(1)
            .build();

    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
    // Checkpoints in files, to be read as they complete.
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    StreamExecutionEnvironment env = env(conf);
    env.enableCheckpointing(50);
    DataStream<String> out =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files")
            .map(new FailOnceAfterCheckpoint());
    List<String> results = out.executeAndCollect(1000);

    assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
    Map<String, String> expected = new HashMap<>();
    content.forEach((k, v) -> expected.put(k, k + "=" + Arrays.hashCode(v)));
    assertThat(results)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected.values());

    // On the wire: files that a completed checkpoint had seen were not fetched again after the
    // failure, and runs were listed on from their saved cursors, not from the start.
    // The job was restored from the latest completed checkpoint, whose positions are at or past
    // those of every checkpoint completed before it.
    List<String> committed = new ArrayList<>();
    FailOnceAfterCheckpoint.SEEN_AT_CHECKPOINT.values().forEach(committed::addAll);
    assertThat(committed).isNotEmpty();
    List<RecordedRequest> all = emu.requests();
    List<RecordedRequest> afterFailure =
        all.subList(FailOnceAfterCheckpoint.REQUESTS_AT_FAILURE.get(), all.size());
    for (String file : committed) {
      String run = file.substring(0, file.indexOf(':'));
      String name = file.substring(file.indexOf(':') + 1);
      assertThat(fileGets(afterFailure, run))
          .as("fetched again after the failure")
          .doesNotContain(name);
    }
    assertThat(afterFailure)
        .filteredOn(r -> "RunFiles".equals(r.operationName()))
        .anyMatch(r -> r.variables().get("fileCursor") != null);

    // The checkpoints hold the runs and their positions, never the key.
    Map<String, byte[]> files = FailOnceAfterCheckpoint.CHECKPOINT_FILES;
    assertThat(files.keySet()).anyMatch(f -> f.endsWith("_metadata"));
    boolean runsFound = false;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String bytes = new String(f.getValue(), StandardCharsets.ISO_8859_1);
      runsFound |= bytes.contains("acme") && bytes.contains("vision");
      for (String key : FlinkTesting.keyForms(KEY)) {
        assertThat(bytes).as("checkpoint file %s", f.getKey()).doesNotContain(key);
      }
    }
    assertThat(runsFound).as("a checkpoint file names the runs").isTrue();
  }

  @Test
  @SuppressWarnings("try") // CloseableIterator.close() throws Exception
  void aContinuousSourcePicksUpRunsThatFinishOrAppearWhileItRuns() throws Exception {
    addRun("acme/vision/a", "finished", 2, 10);
    addRun("acme/vision/b", "running", 2, 10);
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .runs(RunQuery.builder().states("finished").build())
            .connection(connection(emu))
            .continuous(Duration.ofMillis(200))
            .build();

    StreamExecutionEnvironment env = env(new Configuration());
    try (CloseableIterator<WandbFileRecord> it =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files").executeAndCollect()) {
      List<String> first = take(it, 2);
      assertThat(first)
          .containsExactlyInAnyOrder("acme/vision/a:out/0.bin", "acme/vision/a:out/1.bin");
      int listingsBefore = graphQl(emu, "Runs").size();

      emu.run("acme/vision/b").state("finished");
      addRun("acme/vision/c", "finished", 3, 10);
      List<String> later = take(it, 5);

      assertThat(later)
          .containsExactlyInAnyOrder(
              "acme/vision/b:out/0.bin",
              "acme/vision/b:out/1.bin",
              "acme/vision/c:out/0.bin",
              "acme/vision/c:out/1.bin",
              "acme/vision/c:out/2.bin");
      // On the wire: the runs were listed again and again, and each run's files once, the
      // running run's only after it finished.
      // A listing recorded just before the runs changed may be the one that saw them.
      assertThat(graphQl(emu, "Runs").size()).isGreaterThanOrEqualTo(listingsBefore);
      assertThat(graphQl(emu, "RunFiles"))
          .extracting(r -> r.variables().get("name"))
          .containsExactlyInAnyOrder("a", "b", "c");
    }
  }

  /** Deletes, as someone could while the job runs, a run not read yet and a file once listed. */
  static final class DeletingSelector implements FileSelector {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean RUN_DELETED = new AtomicBoolean();

    @Override
    public boolean select(RunMetadata run, FileMetadata file) {
      // The first file asked about: every run is listed, two are being read, "gone" is not.
      if (RUN_DELETED.compareAndSet(false, true)) {
        current.removeRun("acme/vision/gone");
      }
      // Asked about once its page is listed, before it is fetched.
      if (run.runId().equals("run1") && file.name().equals("out/4.bin")) {
        current.run("acme/vision/run1").removeFile("out/4.bin");
      }
      return true;
    }
  }

  @Test
  void runsAndFilesDeletedWhileTheJobRunsArePassedOverAndTheRestIsEmittedOnce() throws Exception {
    for (int r = 0; r < 3; r++) {
      addRun("acme/vision/run" + r, "finished", 7, 10);
      emu.run("acme/vision/run" + r).createdAt(java.time.Instant.EPOCH.plusSeconds(r));
    }
    addRun("acme/vision/gone", "finished", 7, 10);
    emu.run("acme/vision/gone").createdAt(java.time.Instant.EPOCH.plusSeconds(10));
    emu.faults().requestLatency(Duration.ofMillis(10));
    DeletingSelector.RUN_DELETED.set(false);
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .runs(RunQuery.builder().order("+created_at").build())
            .files(FileQuery.builder().perPage(3).build())
            .connection(connection(emu))
            .bytesUpTo(1 << 20)
            .select(new DeletingSelector())
            .build();

    // No restarts: passing over what is gone must not take a failure.
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    List<WandbFileRecord> records =
        env(conf)
            .fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files")
            .executeAndCollect(100);

    List<String> expected = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      for (int f = 0; f < 7; f++) {
        if (r != 1 || f != 4) {
          expected.add("acme/vision/run" + r + ":out/" + f + ".bin");
        }
      }
    }
    assertThat(records.stream().map(SourceOnMiniClusterTest::key).toList())
        .containsExactlyInAnyOrderElementsOf(expected);
    for (WandbFileRecord r : records) {
      assertThat(r.bytes()).isEqualTo(content.get(key(r)));
    }
    assertThat(graphQl(emu, "RunFiles"))
        .filteredOn(r -> "gone".equals(r.variables().get("name")))
        .hasSize(1);
    assertThat(fileGets(emu.requests(), "acme/vision/gone")).isEmpty();
    assertThat(logs.events())
        .anyMatch(
            l -> l.startsWith("WARN") && l.contains("Run acme/vision/gone is no longer found"))
        .anyMatch(
            l ->
                l.startsWith("WARN")
                    && l.contains("File out/4.bin of run acme/vision/run1 was listed"));
  }

  @Test
  void aJobWhoseKeyIsRefusedFailsNamingTheProjectAndNeverTheKey() {
    String wrongKey = "wr0ng-k3y-0123456789abcdef0123456789abcdef";
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .connection(
                WandbConnection.builder()
                    .baseUrl(emu.baseUrl())
                    .apiKey(wrongKey)
                    .maxRetries(0)
                    .build())
            .build();
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");

    // A discarding sink, not executeAndCollect: Flink's collect sink, failed while it starts, can
    // take the cluster's task manager down with it.
    StreamExecutionEnvironment env = env(conf);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files")
        .sinkTo(new DiscardingSink<>());
    Throwable failure = catchThrowable(() -> env.execute("refused key"));

    assertThat(failure).isNotNull();
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString())
        .contains("Listing the runs of acme/vision failed")
        .contains("WandbAuthenticationException");
    for (String key : FlinkTesting.keyForms(wrongKey)) {
      assertThat(trace.toString()).doesNotContain(key);
      assertThat(logs.events()).noneMatch(line -> line.contains(key));
    }
  }

  private static List<String> take(CloseableIterator<WandbFileRecord> it, int n) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              List<String> out = new ArrayList<>();
              while (out.size() < n && it.hasNext()) {
                out.add(key(it.next()));
              }
              return out;
            })
        .get(60, TimeUnit.SECONDS);
  }
}
