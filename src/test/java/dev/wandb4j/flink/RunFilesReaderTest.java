package dev.wandb4j.flink;

import static dev.wandb4j.flink.FlinkTesting.connection;
import static dev.wandb4j.flink.FlinkTesting.fileGets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.FileQuery;
import dev.wandb4j.emulator.WandbEmulator;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source reader: asks for a run, emits its records on the task's thread with the run's position
 * in its checkpoint, reports finished runs, and shares one client with the other readers of its
 * task manager.
 */
@SuppressWarnings("try") // SourceReader.close() throws Exception
class RunFilesReaderTest {
  private WandbEmulator emu;
  private WandbFilesSource source;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    for (int f = 0; f < 5; f++) {
      emu.run("acme/vision/r1").addFile("f" + f + ".txt", new byte[] {(byte) f});
    }
    source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .files(FileQuery.builder().perPage(2).build())
            .connection(connection(emu))
            .bytesUpTo(10)
            .build();
  }

  @AfterEach
  void tearDown() {
    emu.close();
    assertThat(SharedClients.openClients()).isZero();
  }

  /** Polls until {@code n} records were emitted in all, or the reader has nothing more. */
  private static InputStatus pollUntil(
      SourceReader<WandbFileRecord, RunSplit> reader,
      TestingReaderOutput<WandbFileRecord> out,
      int n)
      throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    InputStatus status = InputStatus.MORE_AVAILABLE;
    while (out.getEmittedRecords().size() < n && System.nanoTime() < deadline) {
      status = reader.pollNext(out);
      if (status == InputStatus.END_OF_INPUT) {
        break;
      }
      if (status == InputStatus.NOTHING_AVAILABLE) {
        try {
          reader.isAvailable().get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          // poll again
        }
      }
    }
    return status;
  }

  @Test
  void aReaderEmitsARunsFilesAndItsCheckpointHoldsThePositionAfterTheLastEmitted()
      throws Exception {
    TestingReaderContext context = new TestingReaderContext();
    try (SourceReader<WandbFileRecord, RunSplit> reader = source.createReader(context)) {
      reader.start();
      assertThat(context.getNumSplitRequests()).isEqualTo(1);
      reader.addSplits(List.of(RunSplit.start(Samples.bareRun("r1"))));
      TestingReaderOutput<WandbFileRecord> out = new TestingReaderOutput<>();

      pollUntil(reader, out, 3);
      assertThat(out.getEmittedRecords())
          .extracting(r -> r.file().name())
          .startsWith("f0.txt", "f1.txt", "f2.txt");
      List<RunSplit> checkpoint = reader.snapshotState(1);
      int emitted = out.getEmittedRecords().size();
      if (emitted < 5) {
        // The position is after the last emitted record, whatever the fetcher read ahead.
        assertThat(checkpoint).hasSize(1);
        RunSplit at = checkpoint.get(0);
        assertThat(at.cursor() == null ? at.skip() : 2 + at.skip()).isEqualTo(emitted);
      }

      pollUntil(reader, out, 5);
      // The run is finished once its last record is out: the enumerator hears of it, and the
      // reader asks for the next run.
      for (int i = 0; i < 50 && context.getNumSplitRequests() < 2; i++) {
        reader.pollNext(out);
        Thread.sleep(20);
      }
      assertThat(out.getEmittedRecords())
          .extracting(r -> r.file().name() + "=" + r.bytes()[0])
          .containsExactly("f0.txt=0", "f1.txt=1", "f2.txt=2", "f3.txt=3", "f4.txt=4");
      assertThat(context.getSentEvents()).containsExactly(new RunFinishedEvent("r1"));
      assertThat(context.getNumSplitRequests()).isEqualTo(2);
      assertThat(reader.snapshotState(2)).isEmpty();
      assertThat(fileGets(emu.requests(), "acme/vision/r1")).hasSize(5);

      reader.notifyNoMoreSplits();
      assertThat(pollUntil(reader, out, 6)).isEqualTo(InputStatus.END_OF_INPUT);
    }
  }

  @Test
  void readersOfOneTaskManagerShareOneClientClosedWithTheLast() throws Exception {
    SourceReader<WandbFileRecord, RunSplit> a = source.createReader(new TestingReaderContext());
    SourceReader<WandbFileRecord, RunSplit> b = source.createReader(new TestingReaderContext());
    assertThat(SharedClients.openClients()).isEqualTo(1);
    SharedClients.Lease probe = SharedClients.acquire(source.settings().connection);
    SharedClients.Lease other =
        SharedClients.acquire(WandbConnection.builder().baseUrl(emu.baseUrl()).apiKey("x").build());
    try {
      assertThat(SharedClients.openClients()).isEqualTo(2);
      a.close();
      assertThat(probe.client().baseUrl().toString()).isEqualTo(emu.baseUrl());
      b.close();
      assertThat(SharedClients.openClients()).isEqualTo(2);
    } finally {
      probe.close();
      probe.close();
      other.close();
    }
    assertThat(SharedClients.openClients()).isZero();
  }
}
