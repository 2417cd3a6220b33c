package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.util.context.ContextView;

class RangeAndListenerTest {
  static final byte[] DATA = new byte[500_000];

  static {
    new Random(9).nextBytes(DATA);
  }

  private WandbEmulator emu;
  private EmulatedFile emulated;
  private final AtomicLong pages = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final List<String> retries = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private WandbClient client;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emulated = emu.run("acme/proj/r1").addFile("data.bin", DATA);
    client =
        emu.clientBuilder()
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .listener(
                new WandbClientListener() {
                  @Override
                  public void pageFetched(int files, ContextView context) {
                    pages.incrementAndGet();
                  }

                  @Override
                  public void bytesDownloaded(long n, ContextView context) {
                    bytes.addAndGet(n);
                  }

                  @Override
                  public void retried(Operation operation, Throwable cause, ContextView context) {
                    retries.add(operation.name());
                  }

                  @Override
                  public void failed(Operation operation, Throwable error, ContextView context) {
                    failures.add(operation.name());
                  }
                })
            .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  private File file() {
    return client.run("acme/proj/r1").file("data.bin").block(Duration.ofSeconds(10));
  }

  private static byte[] collect(reactor.core.publisher.Flux<ByteBuf> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    body.doOnNext(
            b -> {
              byte[] chunk = new byte[b.readableBytes()];
              b.readBytes(chunk);
              b.release();
              out.writeBytes(chunk);
            })
        .blockLast(Duration.ofSeconds(10));
    return out.toByteArray();
  }

  @Test
  void aRangeOfContentAsksTheServerForJustThoseBytes() {
    File f = file();
    emu.clearRequests();
    assertThat(collect(f.content(1000, 5000)))
        .isEqualTo(java.util.Arrays.copyOfRange(DATA, 1000, 6000));
    List<RecordedRequest> storage =
        emu.requests().stream().filter(r -> r.server().equals("storage")).toList();
    assertThat(storage.get(0).range()).isEqualTo("bytes=1000-5999");
  }

  @Test
  void aRangeResumesWithinItselfAndSurvivesAServerThatIgnoresRanges() {
    File f = file();
    emulated.faults().resetAfter(100_000, 1);
    assertThat(collect(f.content(50_000, 300_000)))
        .isEqualTo(java.util.Arrays.copyOfRange(DATA, 50_000, 350_000));
    emulated.faults().clear().ignoreRange(true);
    assertThat(collect(f.content(400_000, 100_000)))
        .isEqualTo(java.util.Arrays.copyOfRange(DATA, 400_000, 500_000));
    assertThat(collect(f.content(10, 20))).isEqualTo(java.util.Arrays.copyOfRange(DATA, 10, 30));
  }

  @Test
  void aRangeOutsideTheFileIsRefused() {
    File f = file();
    assertThatThrownBy(() -> f.content(499_999, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.content(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(collect(f.content(500_000, 0))).isEmpty();
  }

  @Test
  void theListenerHearsPagesBytesRetriesAndFailures(@TempDir Path root) {
    File f = client.run("acme/proj/r1").files().blockFirst(Duration.ofSeconds(10));
    assertThat(pages.get()).isEqualTo(1);
    emulated.faults().failNext(1, 503);
    f.download(root).block(Duration.ofSeconds(10));
    assertThat(bytes.get()).isEqualTo(DATA.length);
    assertThat(retries).containsExactly("DOWNLOAD");
    emulated.faults().corruptByte(5);
    try {
      f.download(root, DownloadOptions.builder().replace(true).build())
          .block(Duration.ofSeconds(10));
    } catch (RuntimeException expected) {
      // reported to the listener below
    }
    assertThat(failures).containsExactly("DOWNLOAD");
    emu.faults().failNext(1, 502);
    client.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(10));
    assertThat(retries).containsExactly("DOWNLOAD", "GRAPHQL");
  }

  @Test
  void aThrowingListenerDoesNotBreakTheClient(@TempDir Path root) {
    try (WandbClient c =
        emu.clientBuilder()
            .listener(
                new WandbClientListener() {
                  @Override
                  public void bytesDownloaded(long n, ContextView context) {
                    throw new IllegalStateException("listener bug");
                  }
                })
            .build()) {
      Path p =
          c.run("acme/proj/r1")
              .file("data.bin")
              .flatMap(x -> x.download(root))
              .block(Duration.ofSeconds(10));
      assertThat(p).exists();
    }
  }
}
