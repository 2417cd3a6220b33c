import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import java.nio.file.Path;
import java.util.List;

/**
 * wandb4j through its public API, as a user's program would: list the run (1,000 files a page),
 * download every file with bounded concurrency, each to a part file renamed into place once its
 * size (and, with {@code md5}, its MD5) is checked. Arguments: API base URL, output folder,
 * concurrency, {@code md5} or {@code size}, and optionally the API key. {@code -Dbench.http2=true}
 * offers HTTP/2 to an https server. Files are not forced to disk ({@code durable(false)}), as curl
 * and the other peers do not force theirs; {@code -Dbench.durable=true} forces them (the default
 * of the library).
 */
public final class Wandb4jDownload {
  public static void main(String[] args) {
    int concurrency = Integer.parseInt(args[2]);
    boolean md5 = args[3].equals("md5");
    String key = args.length > 4 ? args[4] : "benchmark-key";
    try (WandbClient client =
        WandbClient.builder()
            .baseUrl(args[0])
            .apiKey(key)
            .maxConnections(Math.max(concurrency, 1))
            .http2(Boolean.getBoolean("bench.http2"))
            .build()) {
      List<DownloadResult> results =
          client
              .run("acme/bench/run1")
              .downloadAll(
                  Path.of(args[1]),
                  FileQuery.builder().perPage(1000).build(),
                  DownloadOptions.builder()
                      .verifyChecksum(md5)
                      .durable(Boolean.getBoolean("bench.durable"))
                      .build(),
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
