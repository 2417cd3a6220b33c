import dev.wandb4j.DownloadOptions;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One file downloaded again and again inside one long-lived JVM, the way a service uses a client:
 * each peer keeps its client, two rounds warm everything up, then the peers alternate and the
 * median time per download is printed as TSV rows (scenario, peer, seconds) after each output is
 * checked against the expected MD5. curl, run by the script, is the reference.
 * Args: API base URL (wandb4j lists the run there), file URL, output folder, rounds, hex MD5.
 * {@code -Dbench.http2=true} adds wandb4j offering HTTP/2 (over https). The wandb4j rows do not
 * force files to disk ({@code durable(false)}), as curl and the other peers do not;
 * wandb4j-md5-durable is the library's defaults (MD5 checked, file and folder forced).
 */
public final class WarmBench {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    String url = args[1];
    Path out = Path.of(args[2]);
    int rounds = Integer.parseInt(args[3]);
    String md5 = args[4];
    Files.createDirectories(out);
    Path target = out.resolve(url.substring(url.lastIndexOf('/') + 1));
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    WebClient web =
        WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(reactor.netty.http.client.HttpClient.create()))
            .build();
    boolean h2 = Boolean.getBoolean("bench.http2");
    try (WandbClient wandb = WandbClient.builder().baseUrl(base).apiKey("benchmark-key").build();
        WandbClient wandbH2 =
            WandbClient.builder().baseUrl(base).apiKey("benchmark-key").http2(true).build()) {
      Map<String, Callable<Object>> peers = new LinkedHashMap<>();
      peers.put("jdk-httpclient", () -> jdk.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofFile(target)));
      peers.put("spring-webclient", () -> DataBufferUtils.write(
              web.get().uri(url).retrieve().bodyToFlux(DataBuffer.class), target,
              StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
          .block());
      Map<String, DownloadOptions> rows = new LinkedHashMap<>();
      rows.put("wandb4j", DownloadOptions.builder().verifyChecksum(false).durable(false).build());
      rows.put("wandb4j-md5", DownloadOptions.builder().durable(false).build());
      rows.put("wandb4j-md5-durable", DownloadOptions.builder().build());
      for (Map.Entry<String, DownloadOptions> row : rows.entrySet()) {
        DownloadOptions options = row.getValue();
        peers.put(row.getKey(), () -> wandb.run("acme/bench/run1")
            .downloadAll(out, FileQuery.builder().perPage(1000).build(), options, 1)
            .doOnNext(r -> { if (r.isFailed()) throw new IllegalStateException(r.error()); })
            .blockLast());
      }
      if (h2) {
        peers.put("wandb4j-h2", () -> wandbH2.run("acme/bench/run1")
            .downloadAll(out, FileQuery.builder().perPage(1000).build(),
                DownloadOptions.builder().verifyChecksum(false).durable(false).build(), 1)
            .doOnNext(r -> { if (r.isFailed()) throw new IllegalStateException(r.error()); })
            .blockLast());
      }
      Map<String, List<Double>> times = new LinkedHashMap<>();
      for (int r = 0; r < rounds + 2; r++) {
        for (Map.Entry<String, Callable<Object>> peer : peers.entrySet()) {
          Files.deleteIfExists(target);
          long start = System.nanoTime();
          peer.getValue().call();
          double s = (System.nanoTime() - start) / 1e9;
          check(target, md5, peer.getKey());
          if (r >= 2) {
            times.computeIfAbsent(peer.getKey(), k -> new ArrayList<>()).add(s);
          }
        }
      }
      Files.deleteIfExists(target);
      for (Map.Entry<String, List<Double>> e : times.entrySet()) {
        List<Double> s = new ArrayList<>(e.getValue());
        Collections.sort(s);
        System.out.printf("%s\t%.3f%n", e.getKey(), s.get(s.size() / 2));
      }
    }
  }

  private static void check(Path file, String md5, String peer) throws IOException {
    java.security.MessageDigest d;
    try {
      d = java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
      while (ch.read(buf) > 0) {
        buf.flip();
        d.update(buf);
        buf.clear();
      }
    }
    StringBuilder hex = new StringBuilder();
    for (byte b : d.digest()) {
      hex.append(String.format("%02x", b));
    }
    if (!hex.toString().equals(md5)) {
      throw new IllegalStateException(peer + " wrote wrong bytes");
    }
  }

  private WarmBench() {}
}
