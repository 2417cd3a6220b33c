package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Deleting what a listing of the same run selects, against the emulator, whose cursors are
 * positions as W&amp;B's are: a deletion that interleaved with the listing would make later pages
 * start past files that moved up, and leave them behind without an error.
 */
class DeleteSelectionTest {
  private WandbEmulator emu;
  private EmulatedRun emulated;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emulated = emu.run("acme/proj/del");
    run = emu.client().run("acme/proj/del");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private List<RecordedRequest> graphQl() {
    return emu.requests().stream().filter(r -> r.operationName() != null).toList();
  }

  /** Every listing request of the run came before the first deletion. */
  private void assertListedBeforeDeleting() {
    List<String> ops = graphQl().stream().map(RecordedRequest::operationName).toList();
    int firstDelete = ops.indexOf("DeleteFiles");
    assertThat(firstDelete).isPositive();
    assertThat(ops.subList(firstDelete, ops.size())).containsOnly("DeleteFiles");
  }

  @SuppressWarnings("unchecked")
  private Set<String> deletedIds() {
    Set<String> ids = new HashSet<>();
    for (RecordedRequest r : graphQl()) {
      if ("DeleteFiles".equals(r.operationName())) {
        ids.addAll((List<String>) r.variables().get("files"));
      }
    }
    return ids;
  }

  @Test
  void deletingAListingOfTheSameRunRemovesEveryFileAcrossPositionalPages() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 120; i++) {
      ids.add(emulated.addFile("f" + i + ".txt", new byte[] {(byte) i}).id());
    }

    StepVerifier.create(run.deleteFiles(run.files()))
        .expectNext(120L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(emulated.fileCount()).isZero();
    assertThat(deletedIds()).isEqualTo(ids);
    assertListedBeforeDeleting();
  }

  @Test
  void deleteByQueryRemovesEveryMatchAcrossPositionalPages() {
    Set<String> matching = new HashSet<>();
    for (int i = 0; i < 250; i++) {
      matching.add(emulated.addFile("tmp/" + i + ".json", new byte[] {(byte) i}).id());
      if (i % 5 == 0) {
        emulated.addFile("keep/" + i + ".txt", new byte[] {1});
      }
    }
    FileQuery tmp = FileQuery.builder().pattern("tmp/%").perPage(50).build();

    StepVerifier.create(run.deleteFiles(tmp))
        .expectNext(250L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(emulated.fileCount()).isEqualTo(50);
    assertThat(emulated.files()).allMatch(f -> f.name().startsWith("keep/"));
    assertThat(deletedIds()).isEqualTo(matching);
    assertListedBeforeDeleting();
    List<RecordedRequest> sent = graphQl();
    assertThat(sent.stream().filter(r -> "RunFiles".equals(r.operationName()))).hasSize(5);
    assertThat(sent.stream().filter(r -> "DeleteFiles".equals(r.operationName())))
        .hasSize(3)
        .allMatch(r -> ((List<?>) r.variables().get("files")).size() <= 100);
  }

  @Test
  void deleteByQueryWithABatchSizeSendsBatchesOfThatSize() {
    for (int i = 0; i < 25; i++) {
      emulated.addFile("tmp/" + i + ".json", new byte[] {(byte) i});
    }

    StepVerifier.create(run.deleteFiles(FileQuery.builder().perPage(10).build(), 10))
        .expectNext(25L)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    assertThat(emulated.fileCount()).isZero();
    assertThat(
            graphQl().stream()
                .filter(r -> "DeleteFiles".equals(r.operationName()))
                .map(r -> ((List<?>) r.variables().get("files")).size()))
        .containsExactly(10, 10, 5);
    assertListedBeforeDeleting();
  }

  @Test
  void aFileGivenTwiceIsDeletedOnce() {
    emulated.addFile("a.txt", new byte[] {1});
    File a = run.files().blockFirst(Duration.ofSeconds(10));
    emu.clearRequests();

    StepVerifier.create(run.deleteFiles(Flux.just(a, a, a)))
        .expectNext(1L)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(graphQl()).hasSize(1);
    assertThat(deletedIds()).containsExactly(a.id());
  }

  @Test
  void aPublisherThatFailsDeletesNothingAndPassesItsErrorOn() {
    emulated.addFile("a.txt", new byte[] {1});
    File a = run.files().blockFirst(Duration.ofSeconds(10));
    emu.clearRequests();
    IllegalStateException broken = new IllegalStateException("the selection broke");

    StepVerifier.create(run.deleteFiles(Flux.concat(Flux.just(a), Flux.error(broken))))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(broken))
        .verify(Duration.ofSeconds(10));

    assertThat(emu.requests()).isEmpty();
    assertThat(emulated.fileCount()).isEqualTo(1);
  }

  @Test
  void anEmptyListOfNamesSelectsNoFileAndSendsNothing() {
    for (int i = 0; i < 5; i++) {
      emulated.addFile("f" + i + ".txt", new byte[] {(byte) i});
    }
    FileQuery none = FileQuery.builder().names(List.of()).build();

    StepVerifier.create(run.files(none)).expectComplete().verify(Duration.ofSeconds(10));
    StepVerifier.create(run.deleteFiles(run.files(none)))
        .expectNext(0L)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(emulated.fileCount()).isEqualTo(5);
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void deleteByAQueryOfNoNamesDeletesNothing() {
    emulated.addFile("a.txt", new byte[] {1});

    StepVerifier.create(run.deleteFiles(FileQuery.builder().names(List.of()).build()))
        .expectNext(0L)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(emu.requests()).isEmpty();
    assertThat(emulated.fileCount()).isEqualTo(1);
  }
}
