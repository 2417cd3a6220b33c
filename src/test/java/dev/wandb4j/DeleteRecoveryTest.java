package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * A deletion whose answer is lost is never sent again blindly: the client asks which files of the
 * batch are still there and deletes only those. The emulator applies each mutation and then answers
 * late, drops the connection or fails, as a server can.
 */
class DeleteRecoveryTest {
  private WandbEmulator emu;
  private EmulatedRun emulated;
  private final Map<String, String> idByName = new HashMap<>();
  private WandbClient client;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emulated = emu.run("acme/proj/del");
    for (int i = 0; i < 30; i++) {
      idByName.put(
          "f" + i + ".txt", emulated.addFile("f" + i + ".txt", new byte[] {(byte) i}).id());
    }
    client = client(Duration.ofSeconds(10));
    run = client.run("acme/proj/del");
  }

  private WandbClient client(Duration timeout) {
    return emu.clientBuilder()
        .timeout(timeout)
        .maxRetries(5)
        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  /** The GraphQL requests sent after the listing: deletions and the checks between them. */
  private List<RecordedRequest> afterListing() {
    List<RecordedRequest> all =
        emu.requests().stream().filter(r -> r.operationName() != null).toList();
    int first = 0;
    while (first < all.size() && !"DeleteFiles".equals(all.get(first).operationName())) {
      first++;
    }
    return all.subList(first, all.size());
  }

  private static boolean isDelete(RecordedRequest r) {
    return "DeleteFiles".equals(r.operationName());
  }

  /** A check: a lookup of the batch's files by name. */
  private static boolean isCheck(RecordedRequest r) {
    return "RunFileIds".equals(r.operationName());
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(RecordedRequest delete) {
    return (List<String>) delete.variables().get("files");
  }

  @SuppressWarnings("unchecked")
  private static List<String> names(RecordedRequest check) {
    return (List<String>) check.variables().get("fileNames");
  }

  /**
   * One deletion per batch, each followed by checks of that batch by name (one, or more if a check
   * itself was retried), and nothing else on the wire.
   */
  private void assertOneDeletionPerBatchEachFollowedByACheck(int batches) {
    List<RecordedRequest> sent = afterListing();
    List<RecordedRequest> deletions = sent.stream().filter(r -> isDelete(r)).toList();
    assertThat(deletions).hasSize(batches);
    Set<String> deleted = new HashSet<>();
    List<String> batch = List.of();
    for (int i = 0; i < sent.size(); i++) {
      RecordedRequest r = sent.get(i);
      if (isDelete(r)) {
        batch = ids(r);
        assertThat(batch).hasSize(10);
        assertThat(deleted.addAll(batch)).isTrue();
        assertThat(i + 1 < sent.size() && isCheck(sent.get(i + 1)))
            .as("deletion %d is followed by a check", i)
            .isTrue();
      } else {
        assertThat(isCheck(r)).as("request %d is a check", i).isTrue();
        assertThat(names(r).stream().map(idByName::get).toList())
            .as("check %d looks up the files of the deletion before it", i)
            .containsExactlyInAnyOrderElementsOf(batch);
      }
    }
    assertThat(deleted).hasSize(10 * batches);
  }

  @Test
  void aDeletionAnsweredAfterTheTimeoutIsCheckedAndNotSentAgain() {
    emu.faults().applyThenAnswerLate(3, Duration.ofMillis(2500));

    try (WandbClient impatient = client(Duration.ofSeconds(1))) {
      Run r = impatient.run("acme/proj/del");
      StepVerifier.create(r.deleteFiles(r.files(), 10))
          .expectNext(30L)
          .expectComplete()
          .verify(Duration.ofSeconds(30));
    }

    assertThat(emulated.fileCount()).isZero();
    assertOneDeletionPerBatchEachFollowedByACheck(3);
  }

  @Test
  void aDeletionWhoseConnectionDropsIsCheckedAndNotSentAgain() {
    emu.faults().applyThenDropConnection(3);

    StepVerifier.create(run.deleteFiles(run.files(), 10))
        .expectNext(30L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(emulated.fileCount()).isZero();
    assertOneDeletionPerBatchEachFollowedByACheck(3);
  }

  @Test
  void aDeletionAnsweredWith503AfterItWasAppliedIsCheckedAndNotSentAgain() {
    emu.faults().applyThenFail(3, 503);

    StepVerifier.create(run.deleteFiles(run.files(), 10))
        .expectNext(30L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(emulated.fileCount()).isZero();
    assertOneDeletionPerBatchEachFollowedByACheck(3);
  }

  @Test
  void aBatchTheServerDidNotApplyIsResentForTheFilesStillThereOnly() {
    List<File> files = run.files().collectList().block(Duration.ofSeconds(10));
    // Three files of the first batch go by other means; the first deletion fails before the
    // server applies it.
    for (int i = 0; i < 3; i++) {
      emulated.removeFile("f" + i + ".txt");
    }
    emu.faults().failNext(1, 503);
    emu.clearRequests();

    StepVerifier.create(run.deleteFiles(Flux.fromIterable(files), 10))
        .expectNext(30L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(emulated.fileCount()).isZero();
    List<RecordedRequest> sent = afterListing();
    assertThat(sent.stream().map(RecordedRequest::operationName))
        .containsExactly("DeleteFiles", "RunFileIds", "DeleteFiles", "DeleteFiles", "DeleteFiles");
    List<String> firstBatch = ids(sent.get(0));
    assertThat(names(sent.get(1))).hasSize(10).contains("f0.txt", "f9.txt");
    List<String> stillThere = new ArrayList<>(firstBatch.subList(3, 10));
    assertThat(ids(sent.get(2))).containsExactlyElementsOf(stillThere);
  }
}
