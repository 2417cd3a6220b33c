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
    List<String> urls = Files.readAllLines(Path.of(args[0]));
    Path out = Path.of(args[1]);
    Semaphore permits = new Semaphore(Integer.parseInt(args[2]));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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
