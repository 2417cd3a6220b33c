package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
  private WandbClient client;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emulated = emu.run("acme/proj/del");
    for (int i = 0; i < 30; i++) {
      emulated.addFile("f" + i + ".txt", new byte[] {(byte) i});
    }
    client =
        emu.clientBuilder()
            .timeout(Duration.ofMillis(400))
            .maxRetries(5)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .build();
    run = client.run("acme/proj/del");
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

  /** Each deletion but the first follows a check, and the wire holds nothing else. */
  private void assertOneDeletionPerBatchEachFollowedByACheck(int batches) {
    List<RecordedRequest> sent = afterListing();
    assertThat(sent).hasSize(2 * batches);
    Set<String> deleted = new HashSet<>();
    for (int b = 0; b < batches; b++) {
      RecordedRequest delete = sent.get(2 * b);
      RecordedRequest check = sent.get(2 * b + 1);
      assertThat(isDelete(delete)).as("request %d is a deletion", 2 * b).isTrue();
      assertThat(isCheck(check)).as("request %d is a check", 2 * b + 1).isTrue();
      assertThat(ids(delete)).hasSize(10);
      assertThat(names(check)).hasSize(10);
      assertThat(deleted.addAll(ids(delete))).isTrue();
    }
    assertThat(deleted).hasSize(10 * batches);
  }

  @Test
  void aDeletionAnsweredAfterTheTimeoutIsCheckedAndNotSentAgain() {
    emu.faults().applyThenAnswerLate(3, Duration.ofMillis(1500));

    StepVerifier.create(run.deleteFiles(run.files(), 10))
        .expectNext(30L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

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
