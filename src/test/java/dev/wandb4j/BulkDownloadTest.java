package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbTransferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

class BulkDownloadTest {
  @TempDir Path root;
  private WandbEmulator emu;
  private EmulatedRun emulated;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emulated = emu.run("acme/proj/bulk");
    for (int i = 0; i < 200; i++) {
      emulated.addFile(
          "media/images/" + (i % 7) + "/img_" + i + ".png",
          ("image " + i).repeat(50 + i).getBytes(StandardCharsets.UTF_8));
    }
    emulated.addGeneratedFile("checkpoints/model.ckpt", 3_000_000);
    run = emu.client().run("acme/proj/bulk");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private Map<DownloadResult.Status, Long> statuses(List<DownloadResult> results) {
    return results.stream()
        .collect(Collectors.groupingBy(DownloadResult::status, Collectors.counting()));
  }

  private long storageRequests() {
    return emu.requests().stream().filter(r -> r.server().equals("storage")).count();
  }

  @Test
  void downloadsEveryFileWithBoundedConcurrencyAndReportsAggregateProgress() throws Exception {
    List<BulkProgress> progress = new CopyOnWriteArrayList<>();
    List<DownloadResult> results =
        run.downloadAll(root, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 8, progress::add)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(results).hasSize(201);
    assertThat(statuses(results)).containsOnlyKeys(DownloadResult.Status.DOWNLOADED);
    for (DownloadResult r : results) {
      assertThat(Files.size(r.path())).isEqualTo(r.file().size());
    }
    assertThat(Files.readString(root.resolve("media/images/3/img_10.png")))
        .isEqualTo("image 10".repeat(60));
    BulkProgress last = progress.get(progress.size() - 1);
    assertThat(last.filesDone()).isEqualTo(201);
    assertThat(last.filesTotal()).isEqualTo(201);
    assertThat(last.bytesDone()).isEqualTo(last.bytesTotal());
    assertThat(last.listingComplete()).isTrue();
    assertThat(last.filesFailed()).isZero();
  }

  @Test
  void progressNeverGoesBackwardsAndItsLastReportIsInWhenTheResultsEnd() {
    for (int round = 0; round < 10; round++) {
      List<BulkProgress> progress = new CopyOnWriteArrayList<>();
      List<DownloadResult> results =
          run.downloadAll(
                  root.resolve("round" + round),
                  FileQuery.DEFAULT,
                  DownloadOptions.DEFAULT,
                  16,
                  progress::add)
              .collectList()
              .block(Duration.ofSeconds(60));

      assertThat(results).hasSize(201);
      BulkProgress last = progress.get(progress.size() - 1);
      assertThat(last.filesDone()).as("round %d", round).isEqualTo(201);
      assertThat(last.bytesDone()).isEqualTo(last.bytesTotal());
      assertThat(last.filesFailed()).isZero();
      for (int i = 1; i < progress.size(); i++) {
        assertThat(progress.get(i).filesDone())
            .isGreaterThanOrEqualTo(progress.get(i - 1).filesDone());
        // No file fails here, so no bytes are given back either.
        assertThat(progress.get(i).bytesDone())
            .isGreaterThanOrEqualTo(progress.get(i - 1).bytesDone());
      }
    }
  }

  @Test
  void aSyncRunAfterACompleteOneDownloadsNothingAndFetchesOnlyWhatChanged() throws Exception {
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();
    run.downloadAll(root, FileQuery.DEFAULT, sync, 16).blockLast(Duration.ofSeconds(60));
    emu.clearRequests();
    List<DownloadResult> again =
        run.downloadAll(root, FileQuery.DEFAULT, sync, 16)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(statuses(again))
        .containsOnly(Map.entry(DownloadResult.Status.SKIPPED_UNCHANGED, 201L));
    assertThat(storageRequests()).isZero();

    Files.writeString(root.resolve("media/images/0/img_0.png"), "edited locally");
    List<DownloadResult> third =
        run.downloadAll(root, FileQuery.DEFAULT, sync, 16)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(statuses(third))
        .containsEntry(DownloadResult.Status.DOWNLOADED, 1L)
        .containsEntry(DownloadResult.Status.SKIPPED_UNCHANGED, 200L);
    assertThat(Files.readString(root.resolve("media/images/0/img_0.png"))).startsWith("image 0");
  }

  @Test
  void existOkSkipsWhatIsThere() {
    run.downloadAll(root, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 16)
        .blockLast(Duration.ofSeconds(60));
    List<DownloadResult> again =
        run.downloadAll(
                root, FileQuery.DEFAULT, DownloadOptions.builder().existOk(true).build(), 16)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(statuses(again)).containsOnly(Map.entry(DownloadResult.Status.SKIPPED_EXISTS, 201L));
  }

  @Test
  void aFailedFileIsReportedAndTheOthersGoOn() throws Exception {
    emulated.file("media/images/1/img_1.png").faults().corruptByte(3);
    List<DownloadResult> results =
        run.downloadAll(root, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 8)
            .collectList()
            .block(Duration.ofSeconds(60));
    Map<String, DownloadResult> byName =
        results.stream().collect(Collectors.toMap(r -> r.file().name(), Function.identity()));
    DownloadResult failed = byName.get("media/images/1/img_1.png");
    assertThat(failed.isFailed()).isTrue();
    assertThat(failed.error()).isInstanceOf(WandbTransferException.class);
    assertThat(statuses(results)).containsEntry(DownloadResult.Status.DOWNLOADED, 200L);
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(p -> p.toString().contains(".wandb4j-part"))).isEmpty();
    }
  }

  @Test
  void failFastStopsAtTheFirstFailure() {
    emulated.file("media/images/1/img_1.png").faults().corruptByte(3);
    StepVerifier.create(
            run.downloadAll(
                root, FileQuery.DEFAULT, DownloadOptions.builder().failFast(true).build(), 1))
        .thenConsumeWhile(r -> !r.isFailed())
        .expectNextMatches(DownloadResult::isFailed)
        .expectError(WandbTransferException.class)
        .verify(Duration.ofSeconds(60));
    // img_1 is the second file listed: at concurrency 1 nothing after it was fetched.
    assertThat(root.resolve("media/images/2/img_2.png")).doesNotExist();
  }

  @Test
  void theQueryNarrowsWhatIsDownloaded() {
    List<DownloadResult> results =
        run.downloadAll(
                root,
                FileQuery.builder().pattern("checkpoints/%").build(),
                DownloadOptions.DEFAULT,
                4)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(results).singleElement().satisfies(r -> assertThat(r.bytes()).isEqualTo(3_000_000));
  }
}
