import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import java.nio.file.Path;

/**
 * Downloads the one file of the benchmark run through wandb4j's public API, as a user's program
 * would: list, then download with the MD5 verified. Arguments: base URL, output folder.
 */
public final class DownloadOne {
  public static void main(String[] args) {
    try (WandbClient client =
        WandbClient.builder().baseUrl(args[0]).apiKey("benchmark-key").build()) {
      File f = client.run("acme/bench/run1").files().blockFirst();
      Path p = f.download(Path.of(args[1])).block();
      System.out.println(p + " " + f.size());
    }
  }

  private DownloadOne() {}
}
