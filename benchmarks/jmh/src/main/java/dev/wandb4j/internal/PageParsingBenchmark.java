package dev.wandb4j.internal;

import dev.wandb4j.RunPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading one page of a listing costs the client: the GraphQL answer's bytes, as they arrive
 * from the socket, read into typed data ({@code decode}), and then into the files a listing emits
 * ({@code decodeAndMap}), the path every page of {@code Run.files()} takes. The page has the
 * shape and field sizes W&amp;B sends: signed URLs of a few hundred characters, base64 MD5s, ISO
 * timestamps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PageParsingBenchmark {
  @Param({"50", "1000"})
  public int perPage;

  private final ResponseReader reader = new ResponseReader();
  private final RunPath run = RunPath.parse("acme/bench/run1");
  private ByteBuf page;

  @Setup
  public void setUp() {
    page = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(page(perPage)));
  }

  @Benchmark
  public Dtos.ProjectData decode() {
    return reader.read(Operation.RUN_FILES, page.duplicate(), Dtos.ProjectData.class);
  }

  @Benchmark
  public PageData decodeAndMap() {
    Dtos.ProjectData data =
        reader.read(Operation.RUN_FILES, page.duplicate(), Dtos.ProjectData.class);
    return FilesApi.toPage(run, data, null, new HashSet<>());
  }

  /** A page of {@code n} files as W&amp;B answers {@code RunFiles}. */
  static byte[] page(int n) {
    StringBuilder json = new StringBuilder(n * 900);
    json.append("{\"data\":{\"project\":{\"internalId\":\"UHJvamVjdDox\",\"run\":{")
        .append("\"id\":\"UnVuOjE=\",\"projectId\":42,\"fileCount\":100000,\"files\":{\"edges\":[");
    for (int i = 0; i < n; i++) {
      String name = String.format("media/images/sample_%06d.png", i);
      String signature = "X-Goog-Signature=" + "0123456789abcdef".repeat(32);
      json.append(i == 0 ? "" : ",")
          .append("{\"node\":{\"id\":\"RmlsZTo")
          .append(i)
          .append("\",\"name\":\"")
          .append(name)
          .append("\",\"url\":\"https://api.wandb.ai/files/acme/bench/run1/")
          .append(name)
          .append("\",\"directUrl\":\"https://storage.googleapis.com/wandb-production/acme/")
          .append(name)
          .append("?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=86400&")
          .append(signature)
          .append("\",\"sizeBytes\":")
          .append(65536 + i)
          .append(",\"mimetype\":\"image/png\",\"updatedAt\":\"2026-11-26T10:15:30\"")
          .append(",\"md5\":\"1B2M2Y8AsgTpgAmY7PhCfg==\"},\"cursor\":\"")
          .append("Y3Vyc29yOg==")
          .append(i)
          .append("\"}");
    }
    json.append("],\"pageInfo\":{\"endCursor\":\"Y3Vyc29yOg==")
        .append(n - 1)
        .append("\",\"hasNextPage\":true}}}}}}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }
}
