package dev.wandb4j.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.BulkProgress;
import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Project;
import dev.wandb4j.RunQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.WandbClientListener;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.util.context.ContextView;

/** A whole project's files in one bounded, lazy, resumable download. */
class ProjectDownloadTest {
  static final int RUNS = 6;
  static final int FILES = 4;

  @TempDir Path root;
  private WandbEmulator emu;
  private Project project;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    for (int r = 0; r < RUNS; r++) {
      for (int f = 0; f < FILES; f++) {
        emu.run("acme/export/run" + r)
            .state(r == 5 ? "running" : "finished")
            .addGeneratedFile("media/" + f + ".bin", 10_000 + r * 100 + f);
      }
    }
    project = emu.client().project("acme/export");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private long requests(String operation) {
    return emu.requests().stream().filter(r -> operation.equals(r.operationName())).count();
  }

  private long storageGets() {
    return emu.requests().stream().filter(r -> r.server().equals("storage")).count();
  }

  @Test
  void everyRunsFilesLandUnderItsIdAndEachResultNamesTheRun() throws Exception {
    RunQuery finished = RunQuery.builder().states("finished").build();
    List<DownloadResult> results =
        project
            .downloadAll(root, finished, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 8)
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(results).hasSize(5 * FILES).noneMatch(DownloadResult::isFailed);
    Map<String, Long> perRun =
        results.stream()
            .collect(
                Collectors.groupingBy(r -> r.file().run().path().runId(), Collectors.counting()));
    assertThat(perRun).containsOnlyKeys("run0", "run1", "run2", "run3", "run4");
    for (DownloadResult r : results) {
      Path expected = root.resolve(r.file().run().path().runId()).resolve(r.file().name());
      assertThat(r.path()).isEqualTo(expected.toAbsolutePath());
      assertThat(Files.size(expected)).isEqualTo(r.file().size());
    }
    assertThat(root.resolve("run5")).doesNotExist();
    assertThat(Fixtures.partFiles(root)).isEmpty();
  }

  @Test
  void runsAndFilesAreListedOnlyAsTheDownloadsNeedThem() {
    RunQuery onePerPage = RunQuery.builder().perPage(1).order("+created_at").build();
    FileQuery twoPerPage = FileQuery.builder().perPage(2).build();
    StepVerifier.create(
            project.downloadAll(root, onePerPage, twoPerPage, DownloadOptions.DEFAULT, 1), 1)
        .expectNextCount(1)
        .then(
            () -> {
              // One result asked for: the first page of runs and of the first run's files, and at
              // most one page more of each (a page is fetched once the one before is used up),
              // where the whole project would take six of each.
              assertThat(requests("Runs")).isBetween(1L, 2L);
              assertThat(requests("RunFiles")).isBetween(1L, 2L);
            })
        .thenCancel()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aRunListedTwiceBecauseRunsWereCreatedDuringTheExportIsDownloadedOnce() {
    // Newest first, three runs a page; W&B's cursors are positions, so three runs created once
    // the first page is in shift the second page back onto the first page's runs.
    RunQuery threePerPage = RunQuery.builder().perPage(3).build();
    java.util.concurrent.atomic.AtomicBoolean created =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<DownloadResult> results =
        project
            .downloadAll(root, threePerPage, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 1)
            .doOnNext(
                r -> {
                  if (requests("Runs") == 1 && created.compareAndSet(false, true)) {
                    for (int i = 0; i < 3; i++) {
                      emu.run("acme/export/late" + i)
                          .createdAt(java.time.Instant.now().plusSeconds(3600 + i))
                          .addGeneratedFile("late.bin", 100);
                    }
                  }
                })
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(requests("Runs")).as("the listing was shifted").isGreaterThanOrEqualTo(3);
    assertThat(results).noneMatch(DownloadResult::isFailed);
    assertThat(results)
        .extracting(r -> r.file().run().path().runId() + "/" + r.file().name())
        .doesNotHaveDuplicates()
        .hasSize(RUNS * FILES);
  }

  @Test
  void progressTotalsGrowAsTheListingGoesAndNeverGoBackwards() {
    List<BulkProgress> seen = new CopyOnWriteArrayList<>();
    project
        .downloadAll(
            root,
            RunQuery.builder().perPage(2).build(),
            FileQuery.builder().perPage(2).build(),
            DownloadOptions.DEFAULT,
            2,
            seen::add)
        .blockLast(Duration.ofSeconds(30));
    BulkProgress last = seen.get(seen.size() - 1);
    assertThat(last.filesTotal()).isEqualTo(RUNS * FILES);
    assertThat(last.filesDone()).isEqualTo(RUNS * FILES);
    assertThat(last.listingComplete()).isTrue();
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).filesTotal()).isGreaterThanOrEqualTo(seen.get(i - 1).filesTotal());
      assertThat(seen.get(i).bytesDone()).isGreaterThanOrEqualTo(seen.get(i - 1).bytesDone());
    }
  }

  @Test
  void aRunOverAFinishedExportListsManyRunsAtOnce() throws Exception {
    // Forty more runs of one file each, downloaded once; then the export again, where every file
    // is up to date and the listing is all there is to do.
    for (int r = 0; r < 40; r++) {
      emu.run("acme/wide/run" + r).addGeneratedFile("only.bin", 1_000 + r);
    }
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();
    emu.client()
        .project("acme/wide")
        .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 64)
        .blockLast(Duration.ofSeconds(30));
    emu.faults().graphQlLatency(Duration.ofMillis(300));
    java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    WandbClientListener gauge =
        new WandbClientListener() {
          @Override
          public Completion operationStarted(Operation operation, ContextView context) {
            if (operation != Operation.GRAPHQL) {
              return Completion.NONE;
            }
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return new Completion() {
              @Override
              public void succeeded() {
                inFlight.decrementAndGet();
              }

              @Override
              public void failed(Throwable error) {
                inFlight.decrementAndGet();
              }

              @Override
              public void cancelled() {
                inFlight.decrementAndGet();
              }
            };
          }
        };
    try (WandbClient client = emu.clientBuilder().listener(gauge).build()) {
      List<DownloadResult> again =
          client
              .project("acme/wide")
              .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 64)
              .collectList()
              .block(Duration.ofSeconds(60));
      assertThat(again)
          .hasSize(40)
          .allMatch(r -> r.status() == DownloadResult.Status.SKIPPED_UNCHANGED);
    }
    assertThat(storageGets()).as("nothing fetched again").isEqualTo(40);
    assertThat(most.get())
        .as("runs listed at once by an export 64 files wide")
        .isGreaterThanOrEqualTo(16);
  }

  @Test
  void anInterruptedExportStartedAgainFetchesOnlyWhatIsMissing() throws Exception {
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();
    WandbClient stopped = emu.clientBuilder().build();
    List<DownloadResult> first =
        stopped
            .project("acme/export")
            .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 2)
            .take(9)
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(first).hasSize(9);
    // A download already committing when the export was stopped completes anyway; closing the
    // client waits until every transfer has settled.
    stopped.closeAsync().block(Duration.ofSeconds(30));
    long complete;
    try (var s = Files.walk(root)) {
      complete = s.filter(p -> p.toString().endsWith(".bin")).count();
    }
    assertThat(complete).isBetween(9L, 11L);
    emu.clearRequests();

    List<DownloadResult> again =
        project
            .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 2)
            .collectList()
            .block(Duration.ofSeconds(30));
    Map<DownloadResult.Status, Long> byStatus =
        again.stream()
            .collect(Collectors.groupingBy(DownloadResult::status, Collectors.counting()));
    assertThat(byStatus.get(DownloadResult.Status.SKIPPED_UNCHANGED)).isEqualTo(complete);
    assertThat(byStatus.get(DownloadResult.Status.DOWNLOADED)).isEqualTo(RUNS * FILES - complete);
    assertThat(storageGets()).isEqualTo(RUNS * FILES - complete);
  }

  @Test
  void aRerunTrustsItsJournalWithoutReadingFilesUnlessAskedTo() throws Exception {
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();
    project.downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 4).blockLast();
    // Same size, same modification time, other bytes: only reading the file could tell.
    Path tampered = root.resolve("run2/media/1.bin");
    FileTime time = Files.getLastModifiedTime(tampered);
    byte[] other = new byte[(int) Files.size(tampered)];
    Files.write(tampered, other);
    Files.setLastModifiedTime(tampered, time);

    emu.clearRequests();
    List<DownloadResult> trusted =
        project
            .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 4)
            .collectList()
            .block();
    assertThat(trusted).allMatch(r -> r.status() == DownloadResult.Status.SKIPPED_UNCHANGED);
    assertThat(storageGets()).isZero();

    List<DownloadResult> verified =
        project
            .downloadAll(
                root,
                RunQuery.DEFAULT,
                FileQuery.DEFAULT,
                sync.toBuilder().verifyExisting(true).build(),
                4)
            .collectList()
            .block();
    assertThat(verified)
        .filteredOn(r -> r.status() == DownloadResult.Status.DOWNLOADED)
        .extracting(r -> r.file().run().path().runId() + "/" + r.file().name())
        .containsExactly("run2/media/1.bin");
    assertThat(Files.readAllBytes(tampered)).isNotEqualTo(other);
  }

  @Test
  void aFileChangedLocallySinceItWasRecordedIsCheckedAgain() throws Exception {
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();
    project.downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 4).blockLast();
    Path changed = root.resolve("run3/media/0.bin");
    Files.write(changed, new byte[] {1, 2, 3});
    emu.clearRequests();
    List<DownloadResult> again =
        project
            .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, sync, 4)
            .collectList()
            .block();
    assertThat(again).filteredOn(r -> r.status() == DownloadResult.Status.DOWNLOADED).hasSize(1);
    assertThat(Files.size(changed)).isEqualTo(10_300);
  }
}
