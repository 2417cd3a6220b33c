package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.testing.ApiAndStorage;
import dev.wandb4j.testing.ForkedJvm;
import dev.wandb4j.testing.TlsServers;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory does not grow with the size of an upload: a separate JVM with 64 MiB of heap and 64 MiB of
 * direct memory uploads a file of just over 2 GiB over plain http (a file region) and one of 256
 * MiB over TLS (chunks read ahead one at a time), to a server in the same JVM that reads each body
 * with its MD5, and the client checks both against the listing. The files are sparse, with random
 * blocks spread through them, so that they cost no disk.
 */
class LowMemoryUploadTest {
  static final int BLOCK = 64 * 1024;

  /** Past 2 GiB, so that every size and position must be a long. */
  static final long BIG = (2L << 30) + BLOCK;

  static final long TLS = 256L << 20;

  @Test
  void uploadsPastTwoGibAndOverTlsSucceedInSixtyFourMibOfHeapAndDirectMemory(@TempDir Path dir)
      throws Exception {
    ForkedJvm.Result r =
        ForkedJvm.run(
            Child.class,
            List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"),
            Duration.ofMinutes(5),
            dir.toString());

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("http: uploaded " + BIG).contains("https: uploaded " + TLS);
  }

  /** Runs in the small JVM. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      upload(dir, "http", false, BIG);
      upload(dir, "https", true, TLS);
    }

    private static void upload(Path dir, String label, boolean tls, long size) throws Exception {
      Path file = sparse(dir.resolve(label + ".bin"), size);
      try (ApiAndStorage server = new ApiAndStorage(tls, false)) {
        WandbClient.Builder b =
            WandbClient.builder().baseUrl(server.base()).apiKey("low-memory-test-key");
        if (tls) {
          b.trustManagerFactory(TlsServers.trust());
        }
        try (WandbClient client = b.build()) {
          long start = System.nanoTime();
          File f =
              client.run("acme/proj/run1").upload(file, "big.bin").block(Duration.ofMinutes(4));
          long ms = (System.nanoTime() - start) / 1_000_000;
          if (f.size() != size || server.size("big.bin") != size) {
            throw new IllegalStateException("sizes: " + f.size() + ", " + server.size("big.bin"));
          }
          System.out.println(label + ": uploaded " + f.size() + " bytes in " + ms + " ms");
        }
      }
    }

    /** A sparse file with a random block every 64 MiB and at its end. */
    private static Path sparse(Path p, long size) throws Exception {
      byte[] block = new byte[BLOCK];
      Random random = new Random(size);
      try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
        raf.setLength(size);
        for (long at = 0; at < size; at += 64L << 20) {
          random.nextBytes(block);
          raf.seek(at);
          raf.write(block, 0, (int) Math.min(BLOCK, size - at));
        }
        random.nextBytes(block);
        raf.seek(size - BLOCK);
        raf.write(block);
      }
      return p;
    }

    private Child() {}
  }
}
