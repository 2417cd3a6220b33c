package dev.wandb4j.flink;

import static dev.wandb4j.flink.FlinkTesting.bytes;
import static dev.wandb4j.flink.FlinkTesting.connection;
import static dev.wandb4j.flink.FlinkTesting.fileGets;
import static dev.wandb4j.flink.FlinkTesting.graphQl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.FileQuery;
import dev.wandb4j.RunQuery;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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

  /** The emulator of the running test, for the failing step to reach. */
  static volatile WandbEmulator current;

  @TempDir Path downloads;
  private WandbEmulator emu;
  private final Map<String, byte[]> content = new HashMap<>();

  private MiniCluster cluster;

  @BeforeEach
  void setUp(@InjectMiniCluster MiniCluster cluster) {
    this.cluster = cluster;
    emu = WandbEmulator.start();
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
    assertThat(SharedClients.openClients()).as("clients left open by the job").isZero();
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
   * Fails the job once, on the first record after a checkpoint completed, and records which files
   * each completed checkpoint had seen pass: the files seen when the checkpoint's barrier passed,
   * not when its completion was told, since records flow on in between.
   */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<WandbFileRecord, String>
      implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger REQUESTS_AT_FAILURE = new AtomicInteger();
    static final Map<Long, List<String>> SEEN_AT_CHECKPOINT = new ConcurrentHashMap<>();
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
        checkpointed = true;
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
    long lastCheckpoint =
        FailOnceAfterCheckpoint.SEEN_AT_CHECKPOINT.keySet().stream()
            .mapToLong(Long::longValue)
            .max()
            .orElseThrow();
    List<String> committed = FailOnceAfterCheckpoint.SEEN_AT_CHECKPOINT.get(lastCheckpoint);
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
      assertThat(graphQl(emu, "Runs").size()).isGreaterThan(listingsBefore);
      assertThat(graphQl(emu, "RunFiles"))
          .extracting(r -> r.variables().get("name"))
          .containsExactlyInAnyOrder("a", "b", "c");
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
