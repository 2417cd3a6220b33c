package dev.wandb4j.readme;

import dev.wandb4j.FileQuery;
import dev.wandb4j.RunQuery;
import dev.wandb4j.flink.WandbFileRecord;
import dev.wandb4j.flink.WandbFilesSource;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The Apache Flink example of README.md. */
final class ReadmeFlinkExample {
  private ReadmeFlinkExample() {}

  static void follow() throws Exception {
    // --- flink
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision") // key and base URL: WANDB_API_KEY, WANDB_BASE_URL on each node
            .runs(RunQuery.builder().states("finished").build())
            .files(FileQuery.builder().pattern("%.json").build())
            .select((run, file) -> !file.name().startsWith("tmp/")) // before any byte moves
            .bytesUpTo(1 << 20) // files up to 1 MiB arrive with their bytes (size and MD5 checked)
            .downloadTo("/data/wandb") // larger ones are downloaded there, atomically
            .continuous(Duration.ofMinutes(5)) // follow: each run that finishes, as it does
            .build();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(60_000); // each run's position in its file listing is checkpointed
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "W&B files")
        .filter(r -> r.content() == WandbFileRecord.Content.BYTES)
        .map(r -> r.run().runId() + " " + r.file().name() + " " + r.bytes().length)
        .print();
    env.execute("Follow acme/vision");
    // --- end
  }
}
