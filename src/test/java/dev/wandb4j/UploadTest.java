package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbGraphQlException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Bodies;
import dev.wandb4j.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * {@code run.upload(file, name)} against the emulator: URLs from {@code createRunFiles} (or the
 * legacy query, found by one probe per client), one PUT without the key, the file checked as
 * W&amp;B lists it, retries, and the refusals that come before anything is sent.
 */
class UploadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private WandbEmulator emu;
  private WandbClient client;
  private Run run;

  @BeforeEach
  void setUp() {
    start(WandbEmulator.builder());
  }

  private void start(WandbEmulator.Builder builder) {
    emu = builder.start();
    emu.run("acme/proj/r1");
    client = TestClients.builder(emu.baseUrl()).apiKey(emu.apiKey()).build();
    run = client.run("acme/proj/r1");
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  private void restart(WandbEmulator.Builder builder) {
    tearDown();
    start(builder);
  }

  private Path file(String name, int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  private static String md5(Path p) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
  }

  private List<String> operations() {
    return emu.requests().stream()
        .map(r -> r.operationName() != null ? r.operationName() : r.method() + " " + r.server())
        .toList();
  }

  private long puts() {
    return emu.requests().stream().filter(r -> r.method().equals("PUT")).count();
  }

  @Test
  void aFileIsSentOnceWithoutTheKeyAndReturnedAsWandbListsIt() throws Exception {
    Path local = file("model.bin", 3 << 20);

    File uploaded = run.upload(local, "checkpoints/model.bin").block(WAIT);

    assertThat(uploaded.name()).isEqualTo("checkpoints/model.bin");
    assertThat(uploaded.size()).isEqualTo(3 << 20);
    assertThat(uploaded.md5()).isEqualTo(md5(local));
    assertThat(operations())
        .containsExactly("ProbeServerMutations", "CreateRunFiles", "PUT storage", "RunFiles");
    RecordedRequest put =
        emu.requests().stream().filter(r -> r.method().equals("PUT")).findFirst().orElseThrow();
    assertThat(put.authorization()).isFalse();
    assertThat(put.path()).isEqualTo("/uploads/acme/proj/r1/checkpoints/model.bin");
    assertThat(Bodies.collect(uploaded.content())).isEqualTo(Files.readAllBytes(local));
  }

  @Test
  void anEmptyFileIsUploadedAsAnEmptyFile() throws Exception {
    Path local = file("empty.txt", 0);

    File uploaded = run.upload(local, "empty.txt").block(WAIT);

    assertThat(uploaded.size()).isZero();
    assertThat(uploaded.md5()).isEqualTo("1B2M2Y8AsgTpgAmY7PhCfg==");
  }

  @Test
  void theServerIsProbedOncePerClientAndAnOlderOneGetsTheLegacyQuery() throws Exception {
    restart(WandbEmulator.builder().createRunFiles(false));
    Path a = file("a.txt", 10);
    Path b = file("b.txt", 20);

    run.upload(a, "a.txt").block(WAIT);
    run.upload(b, "b.txt").block(WAIT);

    assertThat(operations())
        .containsExactly(
            "ProbeServerMutations",
            "RunUploadUrls",
            "PUT storage",
            "RunFiles",
            "RunUploadUrls",
            "PUT storage",
            "RunFiles");
    assertThat(emu.run("acme/proj/r1").file("b.txt").md5()).isEqualTo(md5(b));
  }

  @Test
  void theUploadHeadersWandbHandsOutAreCarried() throws Exception {
    restart(WandbEmulator.builder().uploadHeaders("x-ms-blob-type:BlockBlob"));

    File uploaded = run.upload(file("a.txt", 100), "a.txt").block(WAIT);

    // The emulator refuses a PUT without the header, as Azure does.
    assertThat(uploaded.size()).isEqualTo(100);
    assertThat(puts()).isEqualTo(1);
  }

  @Test
  void aPutAnswered503OrCutOffIsSentAgainWhole() throws Exception {
    Path local = file("a.bin", 1 << 20);
    emu.uploadFaults().failNext(2, 503);

    File first = run.upload(local, "a.bin").block(WAIT);
    emu.uploadFaults().resetAfter(300_000, 1);
    File second = run.upload(local, "b.bin").block(WAIT);

    assertThat(first.md5()).isEqualTo(md5(local));
    assertThat(second.md5()).isEqualTo(md5(local));
    assertThat(puts()).isEqualTo(5);
  }

  @Test
  void a429IsRetriedAndAStorageRefusalGetsAFreshUrlOnce() throws Exception {
    Path local = file("a.bin", 1000);
    emu.uploadFaults().failNext(1, 429, Duration.ofSeconds(0));
    run.upload(local, "a.bin").block(WAIT);
    assertThat(puts()).isEqualTo(2);
    emu.clearRequests();

    emu.uploadFaults().failNext(1, 403);
    run.upload(local, "b.bin").block(WAIT);

    assertThat(operations())
        .containsExactly(
            "CreateRunFiles", "PUT storage", "CreateRunFiles", "PUT storage", "RunFiles");
  }

  @Test
  void anExpiredUrlThatStaysRefusedEndsWithATypedErrorAfterOneFreshUrl() throws Exception {
    Path local = file("big.bin", 8 << 20);
    emu.uploadFaults().expireSignedUrls(true);

    StepVerifier.create(run.upload(local, "big.bin"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(WandbHttpException.class)
                  .hasMessageContaining(
                      "Storage refused the upload of file 'big.bin' of run acme/proj/r1")
                  .hasMessageContaining("HTTP 403")
                  .hasMessageContaining("AccessDenied")
                  .hasMessageNotContaining("X-Signature");
              assertThat(((WandbHttpException) e).status()).isEqualTo(403);
              assertThat(((WandbHttpException) e).isRetryable()).isFalse();
            })
        .verify(WAIT);
    assertThat(operations())
        .containsExactly(
            "ProbeServerMutations",
            "CreateRunFiles",
            "PUT storage",
            "CreateRunFiles",
            "PUT storage");
    assertThat(emu.run("acme/proj/r1").files()).isEmpty();
  }

  @Test
  void anUploadThatArrivesDamagedIsAnErrorNamingBothDigests() throws Exception {
    Path local = file("a.bin", 5000);
    String localMd5 = md5(local);
    emu.uploadFaults().corruptByte(1234);

    StepVerifier.create(run.upload(local, "a.bin"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbTransferException.class);
              assertThat(e)
                  .hasMessageContaining("did not arrive intact")
                  .hasMessageContaining(localMd5)
                  .hasMessageContaining(emu.run("acme/proj/r1").file("a.bin").md5());
              assertThat(((WandbTransferException) e).isRetryable()).isTrue();
            })
        .verify(WAIT);
  }

  @Test
  void withSyncAFileWandbAlreadyListsWithTheSameSizeAndMd5IsNotSent() throws Exception {
    Path local = file("a.bin", 4096);
    UploadOptions sync = UploadOptions.builder().sync(true).build();
    File first = run.upload(local, "a.bin", sync).block(WAIT);

    File again = run.upload(local, "a.bin", sync).block(WAIT);
    Files.write(local, new byte[] {1, 2, 3});
    File changed = run.upload(local, "a.bin", sync).block(WAIT);

    // The same file as W&B lists it (its signed URLs may carry a later expiry).
    assertThat(again)
        .extracting(File::id, File::name, File::size, File::md5, File::updatedAt)
        .containsExactly(first.id(), first.name(), first.size(), first.md5(), first.updatedAt());
    assertThat(changed.size()).isEqualTo(3);
    assertThat(puts()).isEqualTo(2);
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsSent() throws Exception {
    Path local = file("ok.txt", 10);
    for (String name :
        List.of(
            "../escape.txt",
            "/abs.txt",
            "a/../b.txt",
            "a\\b.txt",
            "bell\u0007.txt",
            "",
            "a//b",
            "x.wandb4j-part")) {
      StepVerifier.create(run.upload(local, name))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .as(name)
                      .isInstanceOf(WandbTransferException.class)
                      .hasMessageContaining("Refused to upload"))
          .verify(WAIT);
    }
    StepVerifier.create(run.upload(dir.resolve("missing.txt"), "missing.txt"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("there is no such file"))
        .verify(WAIT);
    StepVerifier.create(run.upload(dir, "folder"))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("it is a folder"))
        .verify(WAIT);
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void aRunThatDoesNotExistIsReportedAsSuch() throws Exception {
    Path local = file("a.txt", 10);

    StepVerifier.create(client.run("acme/proj/nope").upload(local, "a.txt"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbNotFoundException.class)
                    .hasMessageContaining("acme/proj/nope")
                    .hasCauseInstanceOf(WandbGraphQlException.class))
        .verify(WAIT);
    restart(WandbEmulator.builder().createRunFiles(false));
    StepVerifier.create(client.run("acme/proj/nope").upload(local, "a.txt"))
        .expectError(WandbNotFoundException.class)
        .verify(WAIT);
    assertThat(puts()).isZero();
  }
}
