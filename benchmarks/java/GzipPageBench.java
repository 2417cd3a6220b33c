import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * One page of 1,000 files with W&amp;B-style signed URLs (two per file, each with a 512-digit
 * signature), listed through wandb4j from a loopback server that sends it gzipped (compressed once,
 * ahead, so that only the client's side is timed) and from one that sends it plain: the bytes of
 * the body and the median time per page, in one JVM after a warm-up.
 * Args: rounds.
 */
public final class GzipPageBench {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    byte[] page = page(1000).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(zipped)) {
      z.write(page);
    }
    System.out.printf("page of 1000 files: %d bytes, gzipped %d bytes (%.1f x smaller)%n",
        page.length, zipped.size(), (double) page.length / zipped.size());
    byte[] gzipped = zipped.toByteArray();
    for (boolean gzip : new boolean[] {false, true}) {
      // The answer is compressed once, ahead: what is timed is the client's side of it.
      DisposableServer server =
          HttpServer.create()
              .host("127.0.0.1")
              .port(0)
              .route(
                  r ->
                      r.post(
                          "/graphql",
                          (req, res) -> {
                            res.header("Content-Type", "application/json");
                            boolean asked =
                                String.valueOf(req.requestHeaders().get("Accept-Encoding"))
                                    .contains("gzip");
                            if (gzip && asked) {
                              return res.header("Content-Encoding", "gzip")
                                  .sendByteArray(Mono.just(gzipped));
                            }
                            return res.sendByteArray(Mono.just(page));
                          }))
              .bindNow();
      try (WandbClient client =
          WandbClient.builder().baseUrl("http://127.0.0.1:" + server.port()).apiKey("k").build()) {
        FileQuery q = FileQuery.builder().perPage(1000).build();
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < rounds + 20; i++) {
          long start = System.nanoTime();
          long n = client.run("acme/proj/run1").files(q).count().block();
          if (n != 1000) {
            throw new IllegalStateException("listed " + n);
          }
          if (i >= 20) {
            ms.add((System.nanoTime() - start) / 1e6);
          }
        }
        Collections.sort(ms);
        System.out.printf(
            "%s: %d bytes of body per page, median %.2f ms per page over loopback%n",
            gzip ? "gzip" : "plain", gzip ? gzipped.length : page.length, ms.get(ms.size() / 2));
      } finally {
        server.disposeNow();
      }
    }
  }

  static String page(int files) {
    Random r = new Random(3);
    StringBuilder sb = new StringBuilder("{\"data\":{\"project\":{\"run\":{\"projectId\":40853575,\"files\":{\"edges\":[");
    for (int i = 0; i < files; i++) {
      String name = String.format("media/images/train_%05d_%s.png", i, Integer.toHexString(r.nextInt()));
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"node\":{\"id\":\"").append(base64(r, 24)).append("\",\"name\":\"").append(name)
          .append("\",\"url\":\"").append(signed(r, name)).append("\",\"directUrl\":\"")
          .append(signed(r, name)).append("\",\"sizeBytes\":").append(10_000 + r.nextInt(1_000_000))
          .append(",\"mimetype\":\"image/png\",\"updatedAt\":\"2026-11-29T21:43:").append(10 + i % 50)
          .append("\",\"md5\":\"").append(base64(r, 16)).append("\"},\"cursor\":\"").append(base64(r, 32))
          .append("\"}");
    }
    return sb.append("],\"pageInfo\":{\"endCursor\":\"c\",\"hasNextPage\":false}}}}}}").toString();
  }

  static String signed(Random r, String name) {
    StringBuilder sig = new StringBuilder();
    for (int i = 0; i < 512; i++) {
      sig.append(Character.forDigit(r.nextInt(16), 16));
    }
    return "https://storage.googleapis.com/wandb-production.appspot.com/acme/vision/1x2y3z/" + name
        + "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=gorilla-files-url-signer-man%40"
        + "wandb-production.iam.gserviceaccount.com%2F20261130%2Fauto%2Fstorage%2Fgoog4_request"
        + "&X-Goog-Date=20261130T065700Z&X-Goog-Expires=86399&X-Goog-SignedHeaders=host"
        + "&X-Goog-Signature=" + sig;
  }

  static String base64(Random r, int bytes) {
    byte[] b = new byte[bytes];
    r.nextBytes(b);
    return java.util.Base64.getEncoder().encodeToString(b);
  }

  private GzipPageBench() {}
}
