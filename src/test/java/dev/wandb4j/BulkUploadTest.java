package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * {@code run.uploadAll(...)}: every file under a folder, named by its path, a bounded number at a
 * time, one result per file, aggregate progress, sync and failFast; hostile local input reported
 * file by file.
 */
class BulkUploadTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private WandbEmulator emu;
  private WandbClient client;
  private Run run;
  private Path root;

  @BeforeEach
  void setUp() throws Exception {
    emu = WandbEmulator.start();
    emu.run("acme/proj/r1");
    client = TestClients.builder(emu.baseUrl()).apiKey(emu.apiKey()).build();
    run = client.run("acme/proj/r1");
    root = Files.createDirectories(dir.resolve("out"));
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  private Path write(String rel, int size) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    byte[] bytes = new byte[size];
    new Random(rel.hashCode()).nextBytes(bytes);
    Files.write(p, bytes);
    return p;
  }

  private static String md5(Path p) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
  }

  private List<UploadResult> uploadAll(UploadOptions options) {
    return run.uploadAll(root, options, 8).collectList().block(WAIT);
  }

  private List<RecordedRequest> requests(String operation) {
    return emu.requests().stream().filter(r -> operation.equals(r.operationName())).toList();
  }

  private long puts() {
    return emu.requests().stream().filter(r -> r.method().equals("PUT")).count();
  }

  @Test
  void everyFileUnderTheFolderIsUploadedUnderItsPathAfterThePrefix() throws Exception {
    Map<String, Path> local = new HashMap<>();
    for (int i = 0; i < 250; i++) {
      String rel = "d" + (i % 7) + "/sub" + (i % 3) + "/f" + i + ".bin";
      local.put("eval/" + rel, write(rel, 1000 + i));
    }
    List<BulkProgress> reports = new CopyOnWriteArrayList<>();

    List<UploadResult> results =
        run.uploadAll(root, UploadOptions.builder().namePrefix("eval/").build(), 8, reports::add)
            .collectList()
            .block(WAIT);

    assertThat(results).hasSize(250).allMatch(r -> r.status() == UploadResult.Status.UPLOADED);
    assertThat(results.stream().map(UploadResult::name))
        .containsExactlyInAnyOrderElementsOf(local.keySet());
    for (UploadResult r : results) {
      assertThat(r.file().md5()).isEqualTo(md5(local.get(r.name())));
      assertThat(r.path()).isEqualTo(local.get(r.name()).toRealPath());
    }
    Map<String, String> listed =
        emu.run("acme/proj/r1").files().stream()
            .collect(Collectors.toMap(EmulatedFile::name, EmulatedFile::md5));
    assertThat(listed).hasSize(250);
    for (Map.Entry<String, Path> e : local.entrySet()) {
      assertThat(listed.get(e.getKey())).isEqualTo(md5(e.getValue()));
    }
    // URLs in batches of 100; each file looked up once after its PUT, in batched lookups.
    assertThat(requests("CreateRunFiles")).hasSize(3);
    List<Object> checked = new ArrayList<>();
    requests("RunFiles").forEach(r -> checked.addAll((List<?>) r.variables().get("fileNames")));
    assertThat(checked).containsExactlyInAnyOrderElementsOf(local.keySet());
    assertThat(puts()).isEqualTo(250);
    BulkProgress last = reports.get(reports.size() - 1);
    long bytes = local.values().stream().mapToLong(p -> p.toFile().length()).sum();
    assertThat(last.listingComplete()).isTrue();
    assertThat(last.filesDone()).isEqualTo(250);
    assertThat(last.filesTotal()).isEqualTo(250);
    assertThat(last.filesFailed()).isZero();
    assertThat(last.bytesDone()).isEqualTo(bytes);
    assertThat(last.bytesTotal()).isEqualTo(bytes);
  }

  @Test
  void linksSpecialFilesAndUnreadableFoldersAreReportedAndTheRestGoesOn() throws Exception {
    write("ok/a.txt", 10);
    Path outside = Files.writeString(dir.resolve("secret.txt"), "not for W&B");
    Files.createSymbolicLink(root.resolve("link-to-file.txt"), outside);
    Files.createSymbolicLink(root.resolve("link-to-folder"), dir);
    Path fifo = root.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path locked = write("locked/b.txt", 10).getParent();
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    boolean root = "root".equals(System.getProperty("user.name"));

    try {
      Map<String, UploadResult> results =
          uploadAll(UploadOptions.DEFAULT).stream()
              .collect(Collectors.toMap(UploadResult::name, r -> r));

      assertThat(results.get("ok/a.txt").status()).isEqualTo(UploadResult.Status.UPLOADED);
      assertThat(results.get("link-to-file.txt").error())
          .isInstanceOf(WandbTransferException.class)
          .hasMessageContaining("symbolic link");
      assertThat(results.get("link-to-folder").error()).hasMessageContaining("symbolic link");
      assertThat(results.get("pipe").error()).hasMessageContaining("not a regular file");
      if (!root) {
        assertThat(results.get("locked").error()).hasMessageContaining("permission denied");
      }
      assertThat(emu.run("acme/proj/r1").files().stream().map(EmulatedFile::name))
          .doesNotContain("link-to-file.txt", "pipe")
          .noneMatch(n -> n.startsWith("link-to-folder"));
      assertThat(puts()).isEqualTo(root ? 2 : 1);
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void theClientsOwnPartFilesAndJournalsAreLeftOut() throws Exception {
    write("a.bin", 10);
    write("a.bin.wandb4j-part", 10);
    write("sub/.wandb4j-journal", 10);

    List<UploadResult> results = uploadAll(UploadOptions.DEFAULT);

    assertThat(results).extracting(UploadResult::name).containsExactly("a.bin");
  }

  @Test
  void pathsOutsideTheRootAreRefusedAndAMissingRootIsAnError() throws Exception {
    write("in.txt", 10);
    Path outside = Files.writeString(dir.resolve("outside.txt"), "x");

    List<UploadResult> results =
        run.uploadAll(
                root,
                Flux.just(root.resolve("in.txt"), outside, root.resolve("missing.txt")),
                UploadOptions.DEFAULT,
                4,
                null)
            .collectList()
            .block(WAIT);

    Map<String, UploadResult> byPath =
        results.stream().collect(Collectors.toMap(r -> r.path().getFileName().toString(), r -> r));
    assertThat(byPath.get("in.txt").status()).isEqualTo(UploadResult.Status.UPLOADED);
    assertThat(byPath.get("outside.txt").error()).hasMessageContaining("is not under the folder");
    assertThat(byPath.get("missing.txt").error()).hasMessageContaining("there is no such file");
    StepVerifier.create(run.uploadAll(dir.resolve("nope"), UploadOptions.DEFAULT, 4))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("there is no such folder"))
        .verify(WAIT);
  }

  @Test
  void runningAgainWithSyncSendsOnlyWhatChanged() throws Exception {
    for (int i = 0; i < 20; i++) {
      write("f" + i + ".bin", 2000 + i);
    }
    UploadOptions sync = UploadOptions.builder().sync(true).build();
    uploadAll(sync);
    emu.clearRequests();
    Files.write(root.resolve("f3.bin"), new byte[] {1, 2, 3});

    List<UploadResult> again = uploadAll(sync);

    assertThat(again.stream().filter(r -> r.status() == UploadResult.Status.UPLOADED))
        .extracting(UploadResult::name)
        .containsExactly("f3.bin");
    assertThat(again.stream().filter(r -> r.status() == UploadResult.Status.SKIPPED_UNCHANGED))
        .hasSize(19)
        .allMatch(r -> r.bytes() == 0 && r.file() != null);
    assertThat(puts()).isEqualTo(1);
    assertThat(emu.run("acme/proj/r1").file("f3.bin").size()).isEqualTo(3);
  }

  @Test
  void aRunThatDoesNotExistEndsTheUploadWithNotFoundAndSendsNothing() throws Exception {
    for (int i = 0; i < 5; i++) {
      write("f" + i + ".bin", 100);
    }
    List<UploadResult> seen = new CopyOnWriteArrayList<>();

    StepVerifier.create(
            client
                .run("acme/proj/nope")
                .uploadAll(root, UploadOptions.DEFAULT, 4)
                .doOnNext(seen::add))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbNotFoundException.class)
                    .hasMessageContaining("acme/proj/nope"))
        .verify(WAIT);

    assertThat(seen).isEmpty();
    assertThat(requests("CreateRunFiles")).hasSize(1);
    assertThat(puts()).isZero();
  }

  @Test
  void cancellingMidwayStopsTheUploadsInFlightAndStorageKeepsNoPartOfThem() throws Exception {
    Map<String, Long> sizes = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      sizes.put("f" + i + ".bin", write("f" + i + ".bin", 100_000 + i).toFile().length());
    }
    // Several times, each with a client of its own closed at once: the uploads in flight are cut
    // at different points. The class's leak check then finds any buffer a cut left behind, on
    // either side.
    for (int round = 0; round < 6; round++) {
      List<UploadResult> first;
      try (WandbClient own = TestClients.builder(emu.baseUrl()).apiKey(emu.apiKey()).build()) {
        first =
            own.run("acme/proj/r1")
                .uploadAll(root, UploadOptions.DEFAULT, 4)
                .take(1)
                .collectList()
                .block(WAIT);
      }

      assertThat(first).hasSize(1);
      assertThat(emu.run("acme/proj/r1").files())
          .allSatisfy(f -> assertThat(f.size()).isEqualTo(sizes.get(f.name())));
    }
  }

  @Test
  void failFastStopsAtTheFirstFailureAndEndsWithItsError() throws Exception {
    for (int i = 0; i < 40; i++) {
      write("f" + i + ".bin", 100_000);
    }
    emu.uploadFaults().failNext(1000, 400);
    List<UploadResult> seen = new CopyOnWriteArrayList<>();

    StepVerifier.create(
            run.uploadAll(root, UploadOptions.builder().failFast(true).build(), 2)
                .doOnNext(seen::add)
                .doOnEach(
                    sig -> System.out.println("DBG " + System.nanoTime() / 1000000 + " " + sig)))
        .thenConsumeWhile(r -> true)
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("HTTP 400"))
        .verify(WAIT);

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).isFailed()).isTrue();
    assertThat(puts()).isLessThan(40);
    assertThat(emu.run("acme/proj/r1").files()).isEmpty();
  }
}
