import dev.wandb4j.DownloadOptions;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionProvider;

/**
 * Many small files downloaded again and again inside one long-lived JVM, N at a time: the bulk
 * downloader in a service. Each peer keeps its client; two rounds warm everything up, then the
 * peers alternate, every output folder is checked file by file against the manifest's MD5s
 * (outside the timing), and the median time per round is printed as TSV rows (peer, seconds).
 * Args: API base URL (wandb4j lists the run there), URL list, manifest (md5sum format), output
 * folder, concurrency, rounds. {@code -Dbench.http2=true} adds wandb4j offering HTTP/2 (over https).
 * The wandb4j rows do not force files to disk ({@code durable(false)}), as the other peers do not;
 * wandb4j-md5-durable is the library's defaults (MD5 checked, files and folder forced).
 */
public final class WarmManyBench {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    List<String> urls = Files.readAllLines(Path.of(args[1]));
    Map<String, String> manifest = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[2]))) {
      if (!line.isBlank()) {
        manifest.put(line.substring(34).strip(), line.substring(0, 32));
      }
    }
    Path out = Path.of(args[3]);
    int n = Integer.parseInt(args[4]);
    int rounds = Integer.parseInt(args[5]);

    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ConnectionProvider pool = ConnectionProvider.create("bench", n);
    WebClient web =
        WebClient.builder()
            .clientConnector(
                new ReactorClientHttpConnector(reactor.netty.http.client.HttpClient.create(pool)))
            .build();
    boolean h2 = Boolean.getBoolean("bench.http2");
    try (WandbClient wandb =
            WandbClient.builder().baseUrl(base).apiKey("benchmark-key").maxConnections(n).build();
        WandbClient wandbH2 =
            WandbClient.builder()
                .baseUrl(base)
                .apiKey("benchmark-key")
                .maxConnections(n)
                .http2(true)
                .build()) {
      Map<String, Callable<Object>> peers = new LinkedHashMap<>();
      peers.put(
          "jdk-httpclient",
          () -> {
            JdkDownload.download(jdk, urls, out, n);
            return null;
          });
      peers.put(
          "spring-webclient",
          () ->
              Flux.fromIterable(urls)
                  .flatMap(
                      url ->
                          DataBufferUtils.write(
                              web.get().uri(url).retrieve().bodyToFlux(DataBuffer.class),
                              out.resolve(url.substring(url.lastIndexOf('/') + 1)),
                              StandardOpenOption.CREATE,
                              StandardOpenOption.WRITE,
                              StandardOpenOption.TRUNCATE_EXISTING),
                      n)
                  .blockLast());
      Map<String, DownloadOptions> rows = new LinkedHashMap<>();
      rows.put("wandb4j", DownloadOptions.builder().verifyChecksum(false).durable(false).build());
      rows.put("wandb4j-md5", DownloadOptions.builder().durable(false).build());
      rows.put("wandb4j-md5-durable", DownloadOptions.builder().build());
      for (Map.Entry<String, DownloadOptions> row : rows.entrySet()) {
        DownloadOptions options = row.getValue();
        peers.put(
            row.getKey(),
            () ->
                wandb
                    .run("acme/bench/run1")
                    .downloadAll(out, FileQuery.builder().perPage(1000).build(), options, n)
                    .doOnNext(
                        r -> {
                          if (r.isFailed()) {
                            throw new IllegalStateException(r.error());
                          }
                        })
                    .blockLast());
      }
      if (h2) {
        DownloadOptions sizeOnly =
            DownloadOptions.builder().verifyChecksum(false).durable(false).build();
        peers.put(
            "wandb4j-h2",
            () ->
                wandbH2
                    .run("acme/bench/run1")
                    .downloadAll(out, FileQuery.builder().perPage(1000).build(), sizeOnly, n)
                    .doOnNext(
                        r -> {
                          if (r.isFailed()) {
                            throw new IllegalStateException(r.error());
                          }
                        })
                    .blockLast());
      }
      Map<String, List<Double>> times = new LinkedHashMap<>();
      for (int r = 0; r < rounds + 2; r++) {
        for (Map.Entry<String, Callable<Object>> peer : peers.entrySet()) {
          clear(out);
          long start = System.nanoTime();
          peer.getValue().call();
          double s = (System.nanoTime() - start) / 1e9;
          check(out, manifest, peer.getKey());
          if (r >= 2) {
            times.computeIfAbsent(peer.getKey(), k -> new ArrayList<>()).add(s);
          }
        }
      }
      clear(out);
      for (Map.Entry<String, List<Double>> e : times.entrySet()) {
        List<Double> s = new ArrayList<>(e.getValue());
        Collections.sort(s);
        System.out.printf("%s\t%.3f%n", e.getKey(), s.get(s.size() / 2));
      }
    } finally {
      pool.dispose();
    }
  }

  private static void clear(Path out) throws IOException {
    Files.createDirectories(out);
    try (Stream<Path> files = Files.list(out)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
  }

  private static void check(Path out, Map<String, String> manifest, String peer)
      throws Exception {
    java.security.MessageDigest d = java.security.MessageDigest.getInstance("MD5");
    for (Map.Entry<String, String> e : manifest.entrySet()) {
      byte[] bytes = Files.readAllBytes(out.resolve(e.getKey()));
      if (!HexFormat.of().formatHex(d.digest(bytes)).equals(e.getValue())) {
        throw new IllegalStateException(peer + " wrote wrong bytes to " + e.getKey());
      }
    }
    try (Stream<Path> files = Files.list(out)) {
      if (files.count() != manifest.size()) {
        throw new IllegalStateException(peer + " left other files beside the downloads");
      }
    }
  }

  private WarmManyBench() {}
}
