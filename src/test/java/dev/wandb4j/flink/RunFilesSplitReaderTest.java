package dev.wandb4j.flink;

import static dev.wandb4j.flink.FlinkTesting.bytes;
import static dev.wandb4j.flink.FlinkTesting.connection;
import static dev.wandb4j.flink.FlinkTesting.fileGets;
import static dev.wandb4j.flink.FlinkTesting.graphQl;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.wandb4j.FileQuery;
import dev.wandb4j.RunPath;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbTransferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader's fetcher: lists a run's files a page at a time, fetches the selected ones a bounded
 * chunk at a time, and gives each record the run's position after it.
 */
class RunFilesSplitReaderTest {
  @TempDir Path downloads;
  private WandbEmulator emu;
  private SharedClients.Lease lease;
  private RunFilesSplitReader reader;
  private SourceSettings settings;
  private EmulatedRun run;
  private final Map<String, byte[]> content = new HashMap<>();

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/vision/r1");
    for (int f = 0; f < 7; f++) {
      byte[] b = bytes(1000 + f, f);
      run.addFile("f" + f + ".bin", b);
      content.put("f" + f + ".bin", b);
    }
  }

  @AfterEach
  void tearDown() {
    if (reader != null) {
      reader.close();
    }
    if (lease != null) {
      lease.close();
    }
    emu.close();
  }

  private RunFilesSplitReader reader(WandbFilesSource.Builder b) {
    WandbFilesSource source =
        b.project("acme/vision")
            .files(FileQuery.builder().perPage(3).build())
            .connection(connection(emu))
            .build();
    settings = source.settings();
    lease = SharedClients.acquire(settings.connection);
    reader = new RunFilesSplitReader(lease.client(), settings);
    return reader;
  }

  private static RunSplit split(String cursor, int skip) {
    return new RunSplit(Samples.bareRun("r1"), cursor, skip);
  }

  /** Fetches until the run is finished, returning every record in order. */
  private List<Fetched> readAll(RunFilesSplitReader r, List<Integer> batchSizes)
      throws IOException {
    List<Fetched> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      RecordsWithSplitIds<Fetched> batch = r.fetch();
      int n = 0;
      while (batch.nextSplit() != null) {
        Fetched f;
        while ((f = batch.nextRecordFromSplit()) != null) {
          all.add(f);
          n++;
        }
      }
      if (n > 0) {
        batchSizes.add(n);
      }
      if (batch.finishedSplits().contains("r1")) {
        return all;
      }
    }
    throw new AssertionError("the run did not finish in 100 fetches");
  }

  private static List<String> names(List<Fetched> fetched) {
    return fetched.stream().map(f -> f.record().file().name()).toList();
  }

  @Test
  void aRunIsReadPageByPageAndEachRecordCarriesThePositionAfterIt() throws IOException {
    RunFilesSplitReader r = reader(WandbFilesSource.builder().bytesUpTo(4096));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    List<Fetched> all = readAll(r, new ArrayList<>());

    assertThat(names(all))
        .containsExactly("f0.bin", "f1.bin", "f2.bin", "f3.bin", "f4.bin", "f5.bin", "f6.bin");
    for (Fetched f : all) {
      assertThat(f.record().content()).isEqualTo(WandbFileRecord.Content.BYTES);
      assertThat(f.record().bytes()).isEqualTo(content.get(f.record().file().name()));
      assertThat(f.record().run().path()).isEqualTo(RunPath.parse("acme/vision/r1"));
    }
    // Within a page the position counts files after the page's cursor; after a page's last file
    // it moves to the page's end cursor.
    List<RecordedRequest> listings = graphQl(emu, "RunFiles");
    assertThat(listings).hasSize(3);
    Object page2 = listings.get(1).variables().get("fileCursor");
    assertThat(listings.get(0).variables().get("fileCursor")).isNull();
    assertThat(all.get(0).cursor()).isNull();
    assertThat(all.get(0).skip()).isEqualTo(1);
    assertThat(all.get(1).skip()).isEqualTo(2);
    assertThat(all.get(2).cursor()).isEqualTo(page2);
    assertThat(all.get(2).skip()).isZero();
    assertThat(all.get(3).cursor()).isEqualTo(page2);
    assertThat(all.get(3).skip()).isEqualTo(1);
    assertThat(fileGets(emu.requests(), "acme/vision/r1")).hasSize(7).doesNotHaveDuplicates();
  }

  @Test
  void aRestoredPositionListsOnFromItsCursorAndPassesOverWhatWasEmitted() throws IOException {
    RunFilesSplitReader first = reader(WandbFilesSource.builder());
    first.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    List<Fetched> all = readAll(first, new ArrayList<>());
    Fetched fourth = all.get(3);
    emu.clearRequests();

    RunFilesSplitReader restored = new RunFilesSplitReader(lease.client(), settings);
    try {
      restored.handleSplitsChanges(
          new SplitsAddition<>(List.of(split(fourth.cursor(), fourth.skip()))));
      List<Fetched> rest = readAll(restored, new ArrayList<>());
      assertThat(names(rest)).containsExactly("f4.bin", "f5.bin", "f6.bin");
      assertThat(graphQl(emu, "RunFiles").get(0).variables())
          .containsEntry("fileCursor", fourth.cursor());
      assertThat(graphQl(emu, "RunFiles")).hasSize(2);
    } finally {
      restored.close();
    }
  }

  @Test
  void aRunFromAVersionOneCheckpointIsReadOnFromItsPosition() throws IOException {
    // The pending run of a version 1 checkpoint: after the emulator's first page of three, one
    // more file emitted.
    RunSplit saved =
        EnumeratorStateSerializer.INSTANCE
            .deserialize(1, HexFormat.of().parseHex(SerializersTest.ENUMERATOR_V1))
            .pending()
            .get(0);
    RunFilesSplitReader r = reader(WandbFilesSource.builder().bytesUpTo(4096));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(saved)));
    List<Fetched> rest = readAll(r, new ArrayList<>());

    assertThat(names(rest)).containsExactly("f4.bin", "f5.bin", "f6.bin");
    assertThat(rest.get(0).record().run()).isEqualTo(saved.run());
    assertThat(rest.get(0).record().run().tags()).containsExactly("v1");
    assertThat(graphQl(emu, "RunFiles").get(0).variables())
        .containsEntry("fileCursor", "Y3Vyc29yOjI=");
    assertThat(fileGets(emu.requests(), "acme/vision/r1"))
        .containsExactlyInAnyOrder("f4.bin", "f5.bin", "f6.bin");
  }

  @Test
  void aSkipPastAWholePageMovesOnToTheNextPage() throws IOException {
    RunFilesSplitReader r = reader(WandbFilesSource.builder());
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 5))));
    assertThat(names(readAll(r, new ArrayList<>()))).containsExactly("f5.bin", "f6.bin");
  }

  @Test
  void filesTheSelectorRefusesAreNeitherFetchedNorEmitted() throws IOException {
    RunFilesSplitReader r =
        reader(
            WandbFilesSource.builder()
                .bytesUpTo(4096)
                .select((runMeta, file) -> file.size() % 2 == 0 && runMeta.runId().equals("r1")));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    List<Fetched> all = readAll(r, new ArrayList<>());

    assertThat(names(all)).containsExactly("f0.bin", "f2.bin", "f4.bin", "f6.bin");
    assertThat(fileGets(emu.requests(), "acme/vision/r1"))
        .containsExactlyInAnyOrder("f0.bin", "f2.bin", "f4.bin", "f6.bin");
  }

  @Test
  void oneFetchHoldsAtMostItsByteBudgetOfFileBytes() throws IOException {
    EmulatedRun big = emu.run("acme/vision/r1");
    for (int f = 7; f < 12; f++) {
      big.addFile("g" + f + ".bin", bytes(40_000, f));
    }
    RunFilesSplitReader r =
        reader(WandbFilesSource.builder().bytesUpTo(50_000).maxBytesPerFetch(64 * 1024));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    List<Integer> batches = new ArrayList<>();
    List<Fetched> all = readAll(r, batches);

    assertThat(all).hasSize(12);
    // 1000..1006-byte files fill a page of three; each 40,000-byte file is a fetch of its own
    // after the first, which shares its fetch with what fits.
    assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
    assertThat(batches).allMatch(n -> n <= 3);
    assertThat(batches).contains(1);
  }

  @Test
  void filesOverTheByteLimitAreDownloadedAtomicallyAndKeptWhenFoundAgain() throws IOException {
    RunFilesSplitReader r =
        reader(WandbFilesSource.builder().bytesUpTo(1003).downloadTo(downloads.toString()));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    List<Fetched> all = readAll(r, new ArrayList<>());

    for (Fetched f : all) {
      WandbFileRecord rec = f.record();
      if (rec.file().size() <= 1003) {
        assertThat(rec.content()).isEqualTo(WandbFileRecord.Content.BYTES);
      } else {
        assertThat(rec.content()).isEqualTo(WandbFileRecord.Content.DOWNLOADED);
        assertThat(Path.of(rec.path()))
            .isEqualTo(downloads.resolve("r1").resolve(rec.file().name()));
        assertThat(Files.readAllBytes(Path.of(rec.path())))
            .isEqualTo(content.get(rec.file().name()));
      }
    }
    try (var listing = Files.list(downloads.resolve("r1"))) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("f4.bin", "f5.bin", "f6.bin");
    }

    // Read again, as after a restore: the downloaded files are found in place and not fetched.
    emu.clearRequests();
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    assertThat(readAll(r, new ArrayList<>())).hasSize(7);
    assertThat(fileGets(emu.requests(), "acme/vision/r1"))
        .containsExactlyInAnyOrder("f0.bin", "f1.bin", "f2.bin", "f3.bin");
  }

  @Test
  void bytesThatDoNotMatchTheListedMd5FailTheFetch() {
    run.file("f1.bin").faults().corruptByte(10);
    RunFilesSplitReader r = reader(WandbFilesSource.builder().bytesUpTo(4096));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    assertThatThrownBy(() -> readAll(r, new ArrayList<>()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("acme/vision/r1")
        .hasCauseInstanceOf(WandbTransferException.class)
        .hasStackTraceContaining("MD5");
  }

  @Test
  void aWakeUpEndsTheWaitAndTheNextFetchPicksUpTheSameRequest() throws Exception {
    emu.faults().graphQlLatency(Duration.ofMillis(600));
    RunFilesSplitReader r = reader(WandbFilesSource.builder());
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    CompletableFuture<RecordsWithSplitIds<Fetched>> fetch =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return r.fetch();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Thread.sleep(100);
    r.wakeUp();
    RecordsWithSplitIds<Fetched> woken = fetch.get(5, TimeUnit.SECONDS);
    assertThat(woken.nextSplit()).isNull();
    assertThat(woken.finishedSplits()).isEmpty();

    List<Fetched> all = readAll(r, new ArrayList<>());
    assertThat(all).hasSize(7);
    assertThat(graphQl(emu, "RunFiles")).hasSize(3);
  }

  @Test
  void runsAreReadOneAfterAnother() throws IOException {
    emu.run("acme/vision/r2").addFile("only.txt", new byte[] {42});
    RunFilesSplitReader r = reader(WandbFilesSource.builder());
    r.handleSplitsChanges(
        new SplitsAddition<>(
            List.of(split(null, 0), new RunSplit(Samples.bareRun("r2"), null, 0))));
    List<String> finished = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20 && finished.size() < 2; i++) {
      RecordsWithSplitIds<Fetched> batch = r.fetch();
      String id;
      while ((id = batch.nextSplit()) != null) {
        Fetched f;
        while ((f = batch.nextRecordFromSplit()) != null) {
          names.add(id + ":" + f.record().file().name());
        }
      }
      finished.addAll(batch.finishedSplits());
    }
    assertThat(finished).containsExactly("r1", "r2");
    assertThat(names).hasSize(8).endsWith("r2:only.txt");
    assertThat(Set.copyOf(names)).hasSize(8);
  }

  @Test
  void aFileDeletedAfterItsPageWasListedIsPassedOverWithAWarning() throws IOException {
    // The selector runs between a page's listing and its fetch: it deletes the file it is asked
    // about, as someone deleting it at that moment would.
    RunFilesSplitReader r =
        reader(
            WandbFilesSource.builder()
                .bytesUpTo(4096)
                .select(
                    (runMeta, file) -> {
                      if (file.name().equals("f4.bin")) {
                        run.removeFile("f4.bin");
                      }
                      return true;
                    }));
    r.handleSplitsChanges(new SplitsAddition<>(List.of(split(null, 0))));
    List<Fetched> all;
    List<String> warnings;
    try (FlinkTesting.LogCapture log =
        new FlinkTesting.LogCapture(RunFilesSplitReader.class.getName())) {
      all = readAll(r, new ArrayList<>());
      warnings = log.events();
    }

    assertThat(names(all))
        .containsExactly("f0.bin", "f1.bin", "f2.bin", "f3.bin", "f5.bin", "f6.bin");
    // Asked for once, not retried: a 404 is an answer.
    assertThat(fileGets(emu.requests(), "acme/vision/r1")).containsOnlyOnce("f4.bin");
    assertThat(warnings)
        .singleElement(as(STRING))
        .startsWith("WARN")
        .contains("f4.bin", "acme/vision/r1", "passed over");
    // W&B's cursors are positions: once f4 is gone, the end cursor of its page points past f6.
    // The position after f5 counts from the page's cursor without f4; the page is listed again
    // from there, and f6 is read, not lost.
    List<RecordedRequest> listings = graphQl(emu, "RunFiles");
    Object page2 = listings.get(1).variables().get("fileCursor");
    assertThat(all.get(4).cursor()).isEqualTo(page2);
    assertThat(all.get(4).skip()).isEqualTo(2);
    assertThat(listings).hasSize(3);
    assertThat(listings.get(2).variables()).containsEntry("fileCursor", page2);

    // Restored from the position after f5, the run goes on with f6 alone.
    emu.clearRequests();
    RunFilesSplitReader restored = new RunFilesSplitReader(lease.client(), settings);
    try {
      restored.handleSplitsChanges(
          new SplitsAddition<>(List.of(split(all.get(4).cursor(), all.get(4).skip()))));
      assertThat(names(readAll(restored, new ArrayList<>()))).containsExactly("f6.bin");
    } finally {
      restored.close();
    }
  }

  @Test
  void aRunDeletedWhileItIsReadEndsWithTheFilesEmittedSoFar() throws IOException {
    RunFilesSplitReader r =
        reader(
            WandbFilesSource.builder()
                .bytesUpTo(4096)
                .select(
                    (runMeta, file) -> {
                      if (file.name().equals("f4.bin")) {
                        emu.removeRun("acme/vision/r1");
                      }
                      return true;
                    }));
    r.handleSplitsChanges(
        new SplitsAddition<>(
            List.of(split(null, 0), new RunSplit(Samples.bareRun("never"), null, 0))));
    List<String> finished = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> warnings;
    try (FlinkTesting.LogCapture log =
        new FlinkTesting.LogCapture(RunFilesSplitReader.class.getName())) {
      for (int i = 0; i < 20 && finished.size() < 2; i++) {
        RecordsWithSplitIds<Fetched> batch = r.fetch();
        String id;
        while ((id = batch.nextSplit()) != null) {
          Fetched f;
          while ((f = batch.nextRecordFromSplit()) != null) {
            names.add(id + ":" + f.record().file().name());
          }
        }
        finished.addAll(batch.finishedSplits());
      }
      warnings = log.events();
    }

    // Page 2 (f3, f4, f5) was listed before the run was deleted: its files are gone; page 3 finds
    // no run. A run deleted before it was read ("never") ends at once.
    assertThat(names).containsExactly("r1:f0.bin", "r1:f1.bin", "r1:f2.bin");
    assertThat(finished).containsExactly("r1", "never");
    assertThat(warnings)
        .filteredOn(w -> w.contains("Run acme/vision/r1 is no longer found"))
        .hasSize(1);
    assertThat(warnings)
        .filteredOn(w -> w.contains("Run acme/vision/never is no longer found"))
        .hasSize(1);
    assertThat(warnings).filteredOn(w -> w.contains("was listed, then no longer found")).hasSize(3);
  }
}
