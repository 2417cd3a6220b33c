package dev.wandb4j.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.Project;
import dev.wandb4j.RunInfo;
import dev.wandb4j.RunPage;
import dev.wandb4j.RunQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A project's runs: listed on demand, filtered and ordered by the server, resumable. */
class ProjectRunsTest {
  static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

  private WandbEmulator emu;
  private WandbClient client;
  private Project project;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    for (int i = 0; i < 12; i++) {
      emu.run("acme/vision/r" + i)
          .createdAt(T0.plusSeconds(3600L * i))
          .state(i % 3 == 0 ? "crashed" : "finished")
          .displayName((i % 2 == 0 ? "sweep-" : "manual-") + i)
          .tags(i % 4 == 0 ? new String[] {"best", "v2"} : new String[] {"v2"})
          .config(Map.of("lr", i * 0.01));
    }
    emu.run("acme/other/x0");
    client = emu.client();
    project = client.project("acme/vision");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private List<String> ids(RunQuery q) {
    return project.runs(q).map(r -> r.path().runId()).collectList().block(Duration.ofSeconds(10));
  }

  private long runsRequests() {
    return emu.requests().stream().filter(r -> "Runs".equals(r.operationName())).count();
  }

  @Test
  void runsAreListedNewestFirstAndOnlyAsDemandNeedsThem() {
    StepVerifier.create(project.runs(RunQuery.builder().perPage(5).build()), 1)
        .assertNext(r -> assertThat(r.path().runId()).isEqualTo("r11"))
        .then(() -> assertThat(runsRequests()).isEqualTo(1))
        .thenRequest(3)
        .expectNextCount(3)
        .then(() -> assertThat(runsRequests()).isEqualTo(1))
        .thenRequest(1)
        .expectNextCount(1)
        // The page's last run is out: the next page may be asked for now, never more.
        .then(() -> assertThat(runsRequests()).isBetween(1L, 2L))
        .thenRequest(1)
        .expectNextCount(1)
        .then(() -> assertThat(runsRequests()).isEqualTo(2))
        .thenCancel()
        .verify(Duration.ofSeconds(10));
    RecordedRequest first =
        emu.requests().stream()
            .filter(r -> "Runs".equals(r.operationName()))
            .findFirst()
            .orElseThrow();
    assertThat(first.variables()).containsEntry("order", "-created_at").containsEntry("perPage", 5);
  }

  @Test
  void aRunCarriesWhatW_BSaysOfIt() {
    RunInfo r4 =
        project
            .runs()
            .filter(r -> r.path().runId().equals("r4"))
            .blockFirst(Duration.ofSeconds(10));
    assertThat(r4.displayName()).isEqualTo("sweep-4");
    assertThat(r4.state()).isEqualTo("finished");
    assertThat(r4.tags()).containsExactly("best", "v2");
    assertThat(r4.createdAt()).isEqualTo(T0.plusSeconds(4 * 3600));
    assertThat(r4.run().path().toString()).isEqualTo("acme/vision/r4");
  }

  @Test
  void typedConditionsAreSentAsOneFilterAndAllHold() {
    RunQuery q =
        RunQuery.builder()
            .states("finished")
            .tags("best")
            .createdAfter(T0.plusSeconds(1))
            .createdBefore(T0.plusSeconds(11 * 3600))
            .order("+created_at")
            .build();
    assertThat(ids(q)).containsExactly("r4", "r8");
    assertThat(project.runCount(q).block(Duration.ofSeconds(10))).isEqualTo(2);
  }

  @Test
  void aRawFilterTakesAnythingW_BAcceptsAndJoinsTheTypedOnes() {
    RunQuery q =
        RunQuery.builder()
            .filters(
                "{\"$or\": [{\"config.lr.value\": {\"$lt\": 0.015}}, {\"state\": \"crashed\"}]}")
            .displayNameMatches("^sweep-")
            .order("+created_at")
            .build();
    assertThat(ids(q)).containsExactly("r0", "r6");
  }

  @Test
  void aListingResumesFromASavedCursor() {
    RunQuery q = RunQuery.builder().perPage(5).order("+created_at").build();
    RunPage first = project.runPages(q, null).blockFirst(Duration.ofSeconds(10));
    assertThat(first.totalCount()).isEqualTo(12);
    assertThat(first.hasNextPage()).isTrue();
    List<String> rest =
        project
            .runPages(q, first.endCursor())
            .flatMapIterable(RunPage::runs)
            .map(r -> r.path().runId())
            .collectList()
            .block(Duration.ofSeconds(10));
    assertThat(rest).containsExactly("r5", "r6", "r7", "r8", "r9", "r10", "r11");
  }

  @Test
  void countsTakeTheFilterUnlikeFileCounts() {
    assertThat(project.runCount().block(Duration.ofSeconds(10))).isEqualTo(12);
    assertThat(project.runCount(RunQuery.builder().states("crashed").build()).block()).isEqualTo(4);
  }

  @Test
  void aMissingProjectIsNotFound() {
    StepVerifier.create(client.project("acme/nope").runs())
        .expectError(WandbNotFoundException.class)
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void projectPathsTakeTheFormsPeopleCopy() {
    assertThat(client.project("https://wandb.ai/acme/vision/table?x=1").path().toString())
        .isEqualTo("acme/vision");
    assertThat(client.project("acme/vision").path().entity()).isEqualTo("acme");
  }

  @Test
  void queriesRefuseWhatW_BWouldNot() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RunQuery.builder().filters("[1]").build())
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunQuery.builder().order("created_at"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunQuery.builder().perPage(1001))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
