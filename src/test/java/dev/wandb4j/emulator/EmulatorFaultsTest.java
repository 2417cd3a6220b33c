package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.File;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import dev.wandb4j.error.WandbTransferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** Each scripted fault, and what the client makes of it. */
class EmulatorFaultsTest {
  static final byte[] DATA = new byte[300_000];

  static {
    new Random(3).nextBytes(DATA);
  }

  @TempDir Path root;
  private WandbEmulator emu;
  private WandbClient client;
  private EmulatedFile file;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    client =
        emu.clientBuilder()
            .maxRetries(3)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .readTimeout(Duration.ofSeconds(2))
            .build();
    file = emu.run("acme/proj/r1").addFile("data.bin", DATA);
    run = client.run("acme/proj/r1");
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  private File listed() {
    return run.files().blockFirst(Duration.ofSeconds(10));
  }

  private List<RecordedRequest> storageRequests() {
    return emu.requests().stream().filter(r -> r.server().equals("storage")).toList();
  }

  @Test
  void failingTheNextRequestsWithAStatusAndRetryAfterIsRetriedThrough() throws Exception {
    File f = listed();
    file.faults().failNext(2, 503, Duration.ZERO);
    Path p = f.download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
    assertThat(emu.requests().stream().filter(r -> r.path().startsWith("/files/"))).hasSize(3);
  }

  @Test
  void aResetAfterSomeBytesIsResumedWithARangeRequest() throws Exception {
    File f = listed();
    file.faults().resetAfter(100_000, 1);
    Path p = f.download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
    List<RecordedRequest> storage = storageRequests();
    assertThat(storage).hasSize(2);
    assertThat(storage.get(0).range()).isNull();
    assertThat(storage.get(1).range()).startsWith("bytes=").endsWith("-");
    assertThat(storage).allSatisfy(r -> assertThat(r.authorization()).isFalse());
  }

  @Test
  void ignoredRangesRestartTheDownloadCleanly() throws Exception {
    File f = listed();
    file.faults().resetAfter(100_000, 1).ignoreRange(true);
    Path p = f.download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
  }

  @Test
  void aCorruptedByteFailsTheChecksum() {
    File f = listed();
    file.faults().corruptByte(12_345);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("MD5 mismatch"))
        .verify(Duration.ofSeconds(10));
    assertThat(root.resolve("data.bin")).doesNotExist();
    assertThat(root.resolve("data.bin.wandb4j-part")).doesNotExist();
  }

  @Test
  void throttledAndDelayedBodiesStillArrive() throws Exception {
    File f = listed();
    file.faults().throttle(2_000_000).delayFirstByte(Duration.ofMillis(200));
    long start = System.nanoTime();
    Path p = f.download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(200));
  }

  @Test
  void expiredSignedUrlsFailOnceRetriesOfTheLookupCannotHelp() {
    File f = listed();
    emu.faults().expireSignedUrls(true);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e -> assertThat(e).hasMessageContaining("signed URL may have expired"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void anEmptyPageClaimingMoreAndARepeatedCursorEndInErrors() {
    for (int i = 0; i < 120; i++) {
      emu.run("acme/proj/r1").addFile("f" + i, new byte[] {1});
    }
    emu.faults().emptyPageWithNext(1);
    StepVerifier.create(run.files())
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("empty page"))
        .verify(Duration.ofSeconds(10));
    emu.faults().repeatCursor(1);
    StepVerifier.create(run.files())
        .expectNextCount(50)
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbException.class).hasMessageContaining("again"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void graphQlErrorsAndLatencyAreInjected() {
    emu.faults().graphQlErrors(1, "permission denied");
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbGraphQlException.class)
                    .hasMessageContaining("permission denied"))
        .verify(Duration.ofSeconds(10));
    emu.faults().graphQlLatency(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(run.fileCount().block(Duration.ofSeconds(10))).isEqualTo(1L);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void requestLatencyDelaysEveryRequestOnBothServers() {
    File listedFile = listed();
    emu.faults().requestLatency(Duration.ofMillis(200));
    int before = emu.requests().size();
    long start = System.nanoTime();
    byte[] read =
        listedFile
            .content()
            .reduce(
                new ByteArrayOutputStream(),
                (out, buf) -> {
                  try {
                    buf.readBytes(out, buf.readableBytes());
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  } finally {
                    buf.release();
                  }
                  return out;
                })
            .map(ByteArrayOutputStream::toByteArray)
            .block(Duration.ofSeconds(10));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    List<RecordedRequest> made = emu.requests().subList(before, emu.requests().size());
    assertThat(read).isEqualTo(DATA);
    assertThat(made).extracting(RecordedRequest::server).containsExactly("api", "storage");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void negativeRequestLatencyIsRefused() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> emu.faults().requestLatency(Duration.ofMillis(-1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void rateLimitingWithRetryAfterIsHonoured() {
    emu.faults().failNext(1, 429, Duration.ofSeconds(1));
    long start = System.nanoTime();
    assertThat(run.fileCount().block(Duration.ofSeconds(10))).isEqualTo(1L);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }
}
