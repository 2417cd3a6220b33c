import dev.wandb4j.FileQuery;
import dev.wandb4j.flink.WandbConnection;
import dev.wandb4j.flink.WandbFileRecord;
import dev.wandb4j.flink.WandbFilesSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole project through WandbFilesSource on a MiniCluster of one task manager with two
 * slots, at each parallelism given, and prints one tab-separated row per job: the parallelism, the
 * files and bytes the job's records carried or pointed to, the job's wall time (submission to
 * end, the runs' listing included), and the rates. Every job must see every file once. An untimed
 * job comes first; the parallelisms alternate within each repetition.
 *
 * <p>Args: baseUrl apiKey entity/project mode(bytes|download) downloadDir expectedFiles
 * concurrency reps parallelism...
 */
public final class FlinkSourceBench {
  static final LongAdder FILES = new LongAdder();
  static final LongAdder BYTES = new LongAdder();

  public static void main(String[] args) throws Exception {
    // Flink logs every step of a job; without a configuration Logback prints it all.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    String baseUrl = args[0];
    String key = args[1];
    String project = args[2];
    boolean download = args[3].equals("download");
    String dir = args[4];
    long expected = Long.parseLong(args[5]);
    int concurrency = Integer.parseInt(args[6]);
    int reps = Integer.parseInt(args[7]);
    Configuration conf = new Configuration();
    MiniClusterConfiguration cluster =
        new MiniClusterConfiguration.Builder()
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(2)
            .setConfiguration(conf)
            .build();
    try (MiniCluster mini = new MiniCluster(cluster)) {
      mini.start();
      int[] parallelisms = new int[args.length - 8];
      for (int a = 8; a < args.length; a++) {
        parallelisms[a - 8] = Integer.parseInt(args[a]);
      }
      // One untimed job first, so that no row pays for loading and compiling the code; then the
      // parallelisms alternate within each repetition.
      job(mini, conf, project, baseUrl, key, download, dir, concurrency, parallelisms[0], -1);
      check(expected);
      for (int rep = 0; rep < reps; rep++) {
        for (int parallelism : parallelisms) {
          double seconds =
              job(mini, conf, project, baseUrl, key, download, dir, concurrency, parallelism, rep);
          check(expected);
          double mb = BYTES.sum() / 1e6;
          System.out.printf(
              "%d\t%d\t%.0f\t%.2f\t%.0f\t%.1f%n",
              parallelism, FILES.sum(), mb, seconds, FILES.sum() / seconds, mb / seconds);
        }
      }
    }
    System.exit(0);
  }

  /** Runs one job and returns its wall time in seconds. */
  static double job(
      MiniCluster mini,
      Configuration conf,
      String project,
      String baseUrl,
      String key,
      boolean download,
      String dir,
      int concurrency,
      int parallelism,
      int rep)
      throws Exception {
    WandbFilesSource.Builder b =
        WandbFilesSource.builder()
            .project(project)
            .files(FileQuery.builder().perPage(100).build())
            .connection(WandbConnection.builder().baseUrl(baseUrl).apiKey(key).build())
            .concurrency(concurrency);
    Path folder = Path.of(dir, "p" + parallelism + "-" + (rep < 0 ? "warm-up" : rep));
    if (download) {
      // A fresh folder per job, so that every file is fetched.
      b.downloadTo(folder.toString());
    } else {
      b.bytesUpTo(WandbFilesSource.MAX_BYTES_UP_TO);
    }
    FILES.reset();
    BYTES.reset();
    StreamExecutionEnvironment env =
        new TestStreamEnvironment(mini, conf, parallelism, List.of(), List.of());
    env.fromSource(b.build(), WatermarkStrategy.noWatermarks(), "W&B files")
        .map(FlinkSourceBench::count)
        .sinkTo(new DiscardingSink<>());
    long start = System.nanoTime();
    env.execute("bench p" + parallelism);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (download) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return seconds;
  }

  static void check(long expected) {
    if (FILES.sum() != expected) {
      throw new IllegalStateException(FILES.sum() + " files, expected " + expected);
    }
  }

  static long count(WandbFileRecord r) {
    if (r.content() == WandbFileRecord.Content.METADATA) {
      throw new IllegalStateException("no content for " + r);
    }
    // The source checked each file's size and MD5 before emitting its record.
    FILES.increment();
    BYTES.add(r.file().size());
    return r.file().size();
  }
}
