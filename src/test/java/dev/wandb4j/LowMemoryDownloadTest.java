package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.testing.ForkedJvm;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Memory does not grow with file size: a separate JVM with a 64 MiB heap and 64 MiB of direct
 * memory serves and downloads a file of just over 2 GiB, MD5 verified.
 */
class LowMemoryDownloadTest {
  static final int BLOCK = 64 * 1024;

  /** Past 2 GiB, so that every size and position must be a long. */
  static final long SIZE = (2L << 30) + BLOCK;

  @Test
  void aDownloadPastTwoGibSucceedsInSixtyFourMibOfHeapAndDirectMemory(@TempDir Path dir)
      throws Exception {
    ForkedJvm.Result r =
        ForkedJvm.run(
            Child.class,
            java.util.List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"),
            Duration.ofMinutes(5),
            dir.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    String output = r.output();
    assertThat(output).contains("downloaded " + SIZE);
    assertThat(dir.resolve("big/checkpoint.bin")).doesNotExist();
  }

  /** Runs in the small JVM: serves a generated file on loopback and downloads it. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      byte[] block = new byte[BLOCK];
      new Random(1).nextBytes(block);
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      for (long i = 0; i < SIZE / BLOCK; i++) {
        md5.update(block);
      }
      String digest = Base64.getEncoder().encodeToString(md5.digest());
      DisposableServer[] holder = new DisposableServer[1];
      DisposableServer server =
          HttpServer.create()
              .host("127.0.0.1")
              .port(0)
              .route(
                  r ->
                      r.post(
                              "/graphql",
                              (req, res) ->
                                  res.header("Content-Type", "application/json")
                                      .sendString(
                                          Mono.fromSupplier(() -> page(holder[0].port(), digest))))
                          .get(
                              "/files/acme/proj/run1/big/checkpoint.bin",
                              (req, res) ->
                                  res.header("Content-Length", String.valueOf(SIZE))
                                      .send(
                                          Flux.range(0, (int) (SIZE / BLOCK))
                                              .map(i -> Unpooled.wrappedBuffer(block)))))
              .bindNow();
      holder[0] = server;
      try (WandbClient client =
          WandbClient.builder()
              .baseUrl("http://127.0.0.1:" + server.port())
              .apiKey("low-memory-test-key")
              .build()) {
        File f = client.run("acme/proj/run1").files().blockFirst(Duration.ofSeconds(30));
        long start = System.nanoTime();
        Path p = f.download(dir).block(Duration.ofMinutes(4));
        long ms = (System.nanoTime() - start) / 1_000_000;
        long size = Files.size(p);
        System.out.println("downloaded " + size + " bytes in " + ms + " ms");
        Files.delete(p);
      } finally {
        server.disposeNow();
      }
    }

    static String page(int port, String md5) {
      return "{\"data\":{\"project\":{\"run\":{\"projectId\":1,\"files\":{\"edges\":[{\"node\":"
          + "{\"id\":\"f1\",\"name\":\"big/checkpoint.bin\",\"url\":\"http://127.0.0.1:"
          + port
          + "/files/acme/proj/run1/big/checkpoint.bin\",\"directUrl\":\"\",\"sizeBytes\":"
          + SIZE
          + ",\"md5\":\""
          + md5
          + "\"},\"cursor\":\"c1\"}],\"pageInfo\":{\"endCursor\":\"c1\",\"hasNextPage\":false}}}}}}";
    }

    private Child() {}
  }
}
