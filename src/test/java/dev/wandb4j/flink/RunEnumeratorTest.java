package dev.wandb4j.flink;

import static dev.wandb4j.flink.FlinkTesting.connection;
import static dev.wandb4j.flink.FlinkTesting.graphQl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.RunQuery;
import dev.wandb4j.emulator.WandbEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The enumerator lists runs with the Runs operation and hands each to one reader, once. */
class RunEnumeratorTest {
  static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

  private WandbEmulator emu;
  private TestingSplitEnumeratorContext<RunSplit> context;
  private SplitEnumerator<RunSplit, EnumeratorState> enumerator;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    for (int i = 0; i < 3; i++) {
      emu.run("acme/vision/r" + i).createdAt(T0.plusSeconds(i)).state("finished");
    }
    emu.run("acme/vision/live").createdAt(T0.plusSeconds(10)).state("running");
    context = new TestingSplitEnumeratorContext<>(2);
    context.registerReader(0, "localhost");
    context.registerReader(1, "localhost");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (enumerator != null) {
      enumerator.close();
    }
    emu.close();
    assertThat(SharedClients.openClients()).isZero();
  }

  private WandbFilesSource.Builder source() {
    return WandbFilesSource.builder()
        .project("acme/vision")
        .runs(RunQuery.builder().states("finished").order("+created_at").perPage(2).build())
        .connection(connection(emu));
  }

  private List<String> assignedTo(int reader) {
    var state = context.getSplitAssignments().get(reader);
    return state == null
        ? List.of()
        : state.getAssignedSplits().stream().map(RunSplit::splitId).toList();
  }

  private boolean noMoreFor(int reader) {
    var state = context.getSplitAssignments().get(reader);
    return state != null && state.hasReceivedNoMoreSplitsSignal();
  }

  @Test
  void aBoundedSourceListsTheRunsOnceAndEndsEachReaderWhenNoneAreLeft() throws Exception {
    enumerator = source().build().createEnumerator(context);
    enumerator.start();
    enumerator.handleSplitRequest(0, "localhost");
    enumerator.handleSplitRequest(1, "localhost");
    context.triggerAllActions();

    assertThat(assignedTo(0)).containsExactly("r0");
    assertThat(assignedTo(1)).containsExactly("r1");
    EnumeratorState mid = enumerator.snapshotState(1);
    assertThat(mid.pending()).extracting(RunSplit::splitId).containsExactly("r2");
    assertThat(mid.pending().get(0).run().state()).isEqualTo("finished");
    assertThat(mid.assigned()).containsExactly("r0", "r1");
    assertThat(mid.listed()).isTrue();

    enumerator.handleSourceEvent(0, new RunFinishedEvent("r0"));
    enumerator.handleSplitRequest(0, "localhost");
    enumerator.handleSplitRequest(1, "localhost");
    assertThat(assignedTo(0)).containsExactly("r0", "r2");
    assertThat(noMoreFor(1)).isTrue();
    assertThat(noMoreFor(0)).isFalse();
    EnumeratorState end = enumerator.snapshotState(2);
    assertThat(end.pending()).isEmpty();
    assertThat(end.assigned()).containsExactly("r1", "r2");
    assertThat(end.finished()).containsExactly("r0");

    // On the wire: two pages of the finished runs, oldest first, and nothing else.
    assertThat(graphQl(emu, "Runs"))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.variables()).containsEntry("order", "+created_at");
              assertThat(String.valueOf(r.variables().get("filters"))).contains("finished");
            });
    assertThat(emu.requests()).hasSize(2);
  }

  @Test
  void aRestoredBoundedSourceDoesNotListAgainAndHandsOutWhatItHeld() throws Exception {
    EnumeratorState saved =
        new EnumeratorState(
            List.of(new RunSplit(Samples.run("r2"), "Y3Vyc29yOjM=", 1)),
            Set.of("r1"),
            Set.of("r0"),
            true);
    enumerator = source().build().restoreEnumerator(context, saved);
    enumerator.start();
    enumerator.handleSplitRequest(1, "localhost");
    enumerator.handleSplitRequest(0, "localhost");
    context.triggerAllActions();

    assertThat(context.getSplitAssignments().get(1).getAssignedSplits())
        .containsExactly(new RunSplit(Samples.run("r2"), "Y3Vyc29yOjM=", 1));
    assertThat(noMoreFor(0)).isTrue();
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void anEnumeratorRestoredFromAVersionOneCheckpointHandsOutItsPendingRunAtItsPosition()
      throws Exception {
    EnumeratorState saved =
        EnumeratorStateSerializer.INSTANCE.deserialize(
            1, HexFormat.of().parseHex(SerializersTest.ENUMERATOR_V1));
    enumerator = source().build().restoreEnumerator(context, saved);
    enumerator.start();
    enumerator.handleSplitRequest(0, "localhost");
    enumerator.handleSplitRequest(1, "localhost");
    context.triggerAllActions();

    RunSplit r1 = saved.pending().get(0);
    assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).containsExactly(r1);
    assertThat(r1.cursor()).isEqualTo("Y3Vyc29yOjI=");
    assertThat(r1.skip()).isEqualTo(1);
    // r0 finished and r2 handed out before the checkpoint are never handed out again.
    assertThat(noMoreFor(1)).isTrue();
    assertThat(assignedTo(1)).isEmpty();
    assertThat(enumerator.snapshotState(1).assigned()).containsExactlyInAnyOrder("r1", "r2");
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void runsAFailedReaderGivesBackGoFirstWithTheirPositions() throws Exception {
    enumerator = source().build().createEnumerator(context);
    enumerator.start();
    context.triggerAllActions();
    enumerator.handleSplitRequest(0, "localhost");
    RunSplit r0 = context.getSplitAssignments().get(0).getAssignedSplits().get(0);

    RunSplit atPosition = new RunSplit(r0.run(), "Y3Vyc29yOjE=", 2);
    enumerator.addSplitsBack(List.of(atPosition), 0);
    assertThat(enumerator.snapshotState(3).assigned()).isEmpty();
    enumerator.handleSplitRequest(1, "localhost");
    assertThat(context.getSplitAssignments().get(1).getAssignedSplits())
        .containsExactly(atPosition);
  }

  @Test
  void aContinuousSourceListsAgainEachIntervalAndHandsOutOnlyRunsNotSeen() throws Exception {
    enumerator = source().continuous(Duration.ofSeconds(5)).build().createEnumerator(context);
    enumerator.start();
    context.triggerAllActions();
    enumerator.handleSplitRequest(0, "localhost");
    enumerator.handleSplitRequest(0, "localhost");
    assertThat(enumerator.snapshotState(1).pending())
        .extracting(RunSplit::splitId)
        .containsExactly("r2");

    emu.run("acme/vision/live").state("finished");
    emu.run("acme/vision/new").createdAt(T0.plusSeconds(20)).state("finished");
    context.triggerAllActions();

    assertThat(enumerator.snapshotState(2).pending())
        .extracting(RunSplit::splitId)
        .containsExactly("r2", "live", "new");
    enumerator.handleSplitRequest(1, "localhost");
    enumerator.handleSplitRequest(1, "localhost");
    enumerator.handleSplitRequest(1, "localhost");
    enumerator.handleSplitRequest(1, "localhost");
    assertThat(assignedTo(1)).containsExactly("r2", "live", "new");
    // A continuous source never tells a reader there is no more.
    assertThat(noMoreFor(1)).isFalse();
    // Two listings: three finished runs on two pages, then five on three.
    assertThat(graphQl(emu, "Runs")).hasSize(5);
  }

  @Test
  void aProjectThatCannotBeListedFailsTheJobWithItsName() throws Exception {
    enumerator =
        WandbFilesSource.builder()
            .project("acme/nope")
            .connection(connection(emu))
            .build()
            .createEnumerator(context);
    enumerator.start();
    assertThatThrownBy(context::triggerAllActions)
        .hasStackTraceContaining("Listing the runs of acme/nope failed")
        .hasStackTraceContaining("WandbNotFoundException");
  }
}
