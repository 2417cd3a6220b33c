import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import java.nio.file.Path;
import java.util.List;

/**
 * wandb4j through its public API, as a user's program would: list the run, download every file
 * with bounded concurrency, MD5 verified. Arguments: base URL, output folder, concurrency.
 */
public final class Wandb4jDownload {
  public static void main(String[] args) {
    int concurrency = Integer.parseInt(args[2]);
    try (WandbClient client =
        WandbClient.builder()
            .baseUrl(args[0])
            .apiKey("benchmark-key")
            .maxConnections(Math.max(concurrency, 1))
            .build()) {
      List<DownloadResult> results =
          client
              .run("acme/bench/run1")
              .downloadAll(
                  Path.of(args[1]),
                  FileQuery.builder().perPage(1000).build(),
                  DownloadOptions.DEFAULT,
                  concurrency)
              .collectList()
              .block();
      long failed = results.stream().filter(DownloadResult::isFailed).count();
      if (failed > 0) {
        results.stream().filter(DownloadResult::isFailed).limit(3).forEach(r -> r.error().printStackTrace());
        System.exit(1);
      }
    }
  }

  private Wandb4jDownload() {}
}
