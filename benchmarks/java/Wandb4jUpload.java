import dev.wandb4j.UploadOptions;
import dev.wandb4j.UploadResult;
import dev.wandb4j.WandbClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * wandb4j uploads through its public API, as a user's program would: every file under a folder to
 * a run, {@code uploadAll} with bounded concurrency, each file checked against W&B's listing
 * (size and MD5) once sent. Arguments: API base URL, API key, run path, folder, concurrency, and
 * optionally rounds: with more than one, the same upload is repeated in this JVM with its client
 * kept, and after two warm-up rounds the median round is printed as {@code warm-median-s <s>}.
 */
public final class Wandb4jUpload {
  public static void main(String[] args) {
    String base = args[0];
    String key = args[1];
    String run = args[2];
    Path root = Path.of(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    try (WandbClient client =
        WandbClient.builder()
            .baseUrl(base)
            .apiKey(key)
            .maxConnections(Math.max(concurrency, 1))
            .build()) {
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        long start = System.nanoTime();
        List<UploadResult> results =
            client.run(run).uploadAll(root, UploadOptions.DEFAULT, concurrency).collectList().block();
        times.add((System.nanoTime() - start) / 1e9);
        List<UploadResult> failed = results.stream().filter(UploadResult::isFailed).toList();
        if (!failed.isEmpty()) {
          failed.stream().limit(3).forEach(r -> r.error().printStackTrace());
          System.exit(1);
        }
      }
      if (rounds > 1) {
        List<Double> measured = new ArrayList<>(times.subList(Math.min(2, rounds - 1), rounds));
        Collections.sort(measured);
        System.out.printf("warm-median-s %.3f%n", measured.get(measured.size() / 2));
      }
    }
  }

  private Wandb4jUpload() {}
}
