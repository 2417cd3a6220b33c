import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** The JDK's HttpClient with BodyHandlers.ofFile, bounded concurrency. Args: url list, out, N. */
public final class JdkDownload {
  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    download(
        client, Files.readAllLines(Path.of(args[0])), Path.of(args[1]), Integer.parseInt(args[2]));
  }

  /** Downloads every URL into {@code out}, {@code n} at a time, and waits for all of them. */
  static void download(HttpClient client, List<String> urls, Path out, int n)
      throws InterruptedException {
    Semaphore permits = new Semaphore(n);
    CompletableFuture<?>[] all = new CompletableFuture<?>[urls.size()];
    for (int i = 0; i < urls.size(); i++) {
      String url = urls.get(i);
      Path target = out.resolve(url.substring(url.lastIndexOf('/') + 1));
      permits.acquire();
      all[i] =
          client
              .sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofFile(target))
              .whenComplete((r, e) -> permits.release())
              .thenAccept(
                  r -> {
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException("HTTP " + r.statusCode());
                    }
                  });
    }
    CompletableFuture.allOf(all).join();
  }

  private JdkDownload() {}
}
