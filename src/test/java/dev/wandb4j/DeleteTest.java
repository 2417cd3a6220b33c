package dev.wandb4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbDeleteException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.WireMockApiTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class DeleteTest extends WireMockApiTest {

  @BeforeEach
  void setUp() {
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFiles")))
            .willReturn(okJson(Fixtures.page(0, 250, false, api.baseUrl()))));
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(okJson("{\"data\":{\"deleteFiles\":{\"success\":true}}}")));
  }

  private List<JsonNode> deletions() {
    return api
        .findAll(
            postRequestedFor(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles"))))
        .stream()
        .map(ListingTest::json)
        .toList();
  }

  @Test
  void deletingManyFilesSendsOneMutationPerBatchWithTheIntegerProjectId() {
    StepVerifier.create(run.deleteFiles(run.files(FileQuery.builder().perPage(1000).build())))
        .expectNext(250L)
        .verifyComplete();
    List<JsonNode> sent = deletions();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(0).get("variables").get("files")).hasSize(100);
    assertThat(sent.get(2).get("variables").get("files")).hasSize(50);
    assertThat(sent.get(0).get("variables").get("files").get(0).asText()).isEqualTo("id0");
    JsonNode projectId = sent.get(0).get("variables").get("projectId");
    assertThat(projectId.isIntegralNumber()).isTrue();
    assertThat(projectId.asLong()).isEqualTo(Fixtures.PROJECT_ID);
    assertThat(sent.get(0).get("query").asText()).contains("deleteFiles(input:");
  }

  @Test
  void theBatchSizeIsConfigurable() {
    StepVerifier.create(run.deleteFiles(run.files(), 250)).expectNext(250L).verifyComplete();
    assertThat(deletions()).hasSize(1);
  }

  @Test
  void deletingOneFileSendsItsIdAlone() {
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.delete()).verifyComplete();
    List<JsonNode> sent = deletions();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).get("variables").get("files").toString()).isEqualTo("[\"id0\"]");
  }

  @Test
  void nothingToDeleteSendsNothing() {
    StepVerifier.create(run.deleteFiles(reactor.core.publisher.Flux.empty()))
        .expectNext(0L)
        .verifyComplete();
    assertThat(deletions()).isEmpty();
  }

  @Test
  void anUnconfirmedDeletionIsAnError() {
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(okJson("{\"data\":{\"deleteFiles\":{\"success\":false}}}")));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.delete())
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbException.class).hasMessageContaining("id0"))
        .verify(Duration.ofSeconds(10));
  }

  private List<String> operations() {
    return api.findAll(postRequestedFor(urlEqualTo("/graphql"))).stream()
        .map(r -> ListingTest.json(r).get("operationName").asText())
        .toList();
  }

  /** The second DeleteFiles and every later one get {@code answer}. */
  private void failDeletionsAfterTheFirst(ResponseDefinitionBuilder answer) {
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .inScenario("deletions")
            .whenScenarioStateIs(Scenario.STARTED)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(okJson("{\"data\":{\"deleteFiles\":{\"success\":true}}}"))
            .willSetStateTo("refusing"));
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .inScenario("deletions")
            .whenScenarioStateIs("refusing")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(answer));
  }

  private void stubCheckFindingEveryFile() {
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileIds")))
            .willReturn(okJson(Fixtures.page(0, 250, false, api.baseUrl()))));
  }

  @Test
  void aDeletionRefusedWith400IsReportedWithTheCountDeletedBeforeItAndNotChecked() {
    failDeletionsAfterTheFirst(aResponse().withStatus(400).withBody("{\"errors\":[]}"));

    StepVerifier.create(run.deleteFiles(run.files()))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbDeleteException.class);
              WandbDeleteException d = (WandbDeleteException) e;
              assertThat(d.deletedCount()).isEqualTo(100);
              assertThat(d.requestedCount()).isEqualTo(250);
              assertThat(d.isRetryable()).isFalse();
              assertThat(d.getCause()).isInstanceOf(WandbHttpException.class);
              assertThat(((WandbHttpException) d.getCause()).status()).isEqualTo(400);
              assertThat(d).hasMessageContaining("Deleted 100 of 250 files of run acme/proj/run1");
            })
        .verify(Duration.ofSeconds(10));

    assertThat(operations()).containsExactly("RunFiles", "DeleteFiles", "DeleteFiles");
  }

  @Test
  void aDeletionRefusedWithGraphQlErrorsIsReportedAndNotChecked() {
    failDeletionsAfterTheFirst(okJson("{\"errors\":[{\"message\":\"permission denied\"}]}"));

    StepVerifier.create(run.deleteFiles(run.files()))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbDeleteException.class);
              assertThat(((WandbDeleteException) e).deletedCount()).isEqualTo(100);
              assertThat(e.getCause())
                  .isInstanceOf(WandbGraphQlException.class)
                  .hasMessageContaining("permission denied");
            })
        .verify(Duration.ofSeconds(10));

    assertThat(operations()).containsExactly("RunFiles", "DeleteFiles", "DeleteFiles");
  }

  @Test
  void deletionsThatKeepFailingAreCheckedBeforeEveryResendAndThenReported() {
    failDeletionsAfterTheFirst(aResponse().withStatus(503));
    stubCheckFindingEveryFile();

    StepVerifier.create(run.deleteFiles(run.files()))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbDeleteException.class);
              WandbDeleteException d = (WandbDeleteException) e;
              assertThat(d.deletedCount()).isEqualTo(100);
              assertThat(d.isRetryable()).isTrue();
              assertThat(((WandbHttpException) d.getCause()).status()).isEqualTo(503);
            })
        .verify(Duration.ofSeconds(10));

    // The client's maxRetries is 3: the first send and three resends of the second batch, each
    // failure followed by a check, and never two deletions in a row.
    assertThat(operations())
        .containsExactly(
            "RunFiles",
            "DeleteFiles",
            "DeleteFiles",
            "RunFileIds",
            "DeleteFiles",
            "RunFileIds",
            "DeleteFiles",
            "RunFileIds",
            "DeleteFiles",
            "RunFileIds");
    List<JsonNode> sent = deletions();
    for (int i = 2; i < sent.size(); i++) {
      assertThat(sent.get(i).get("variables").get("files"))
          .isEqualTo(sent.get(1).get("variables").get("files"));
    }
  }

  @Test
  void aRateLimitedDeletionIsCheckedAfterTheServersWaitAndResentForWhatIsLeft() {
    failDeletionsAfterTheFirst(aResponse().withStatus(429).withHeader("Retry-After", "0"));
    stubCheckFindingEveryFile();
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .inScenario("deletions")
            .whenScenarioStateIs("refusing")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileIds")))
            .willReturn(okJson(Fixtures.page(0, 250, false, api.baseUrl())))
            .willSetStateTo("accepting"));
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .inScenario("deletions")
            .whenScenarioStateIs("accepting")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(okJson("{\"data\":{\"deleteFiles\":{\"success\":true}}}")));

    StepVerifier.create(run.deleteFiles(run.files()))
        .expectNext(250L)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(operations())
        .containsExactly(
            "RunFiles", "DeleteFiles", "DeleteFiles", "RunFileIds", "DeleteFiles", "DeleteFiles");
    JsonNode check =
        ListingTest.json(
            api.findAll(
                    postRequestedFor(urlEqualTo("/graphql"))
                        .withRequestBody(
                            matchingJsonPath("$.operationName", equalTo("RunFileIds"))))
                .get(0));
    assertThat(check.get("variables").get("fileNames")).hasSize(100);
    assertThat(check.get("variables").get("fileNames").get(0).asText()).isEqualTo("f100.txt");
    assertThat(check.get("query").asText()).doesNotContain("url").doesNotContain("directUrl");
  }

  @Test
  void aCheckThatFailsTooEndsTheDeletionWithTheCountSoFar() {
    failDeletionsAfterTheFirst(aResponse().withStatus(502));
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileIds")))
            .willReturn(aResponse().withStatus(500)));

    StepVerifier.create(run.deleteFiles(run.files()))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbDeleteException.class);
              assertThat(((WandbDeleteException) e).deletedCount()).isEqualTo(100);
              assertThat(((WandbHttpException) e.getCause()).status()).isEqualTo(500);
            })
        .verify(Duration.ofSeconds(10));

    // One deletion of the second batch, then the check and its three retries: a query is retried.
    assertThat(operations())
        .containsExactly(
            "RunFiles",
            "DeleteFiles",
            "DeleteFiles",
            "RunFileIds",
            "RunFileIds",
            "RunFileIds",
            "RunFileIds");
  }

  @Test
  void aCheckWhoseAnswerPagesInALoopEndsTheDeletionInsteadOfLooping() {
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(aResponse().withStatus(503)));
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileIds")))
            .willReturn(okJson(Fixtures.page(0, 1, true, api.baseUrl()))));

    StepVerifier.create(run.deleteFiles(run.files(), 250))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbDeleteException.class);
              assertThat(((WandbDeleteException) e).deletedCount()).isZero();
              assertThat(e.getCause()).hasMessageContaining("stopping instead of looping");
            })
        .verify(Duration.ofSeconds(10));

    // One deletion, then a check whose second page repeats the first page's cursor.
    assertThat(operations()).containsExactly("RunFiles", "DeleteFiles", "RunFileIds", "RunFileIds");
  }

  @Test
  void deletingOneFileFailsWithTheTypedErrorItself() {
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(aResponse().withStatus(403)));
    File f = run.files().blockFirst(Duration.ofSeconds(10));

    StepVerifier.create(f.delete())
        .expectError(WandbAuthenticationException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(deletions()).hasSize(1);
  }

  @Test
  void filesOfTwoRunsAreDeletedInSeparateMutations() {
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFiles")))
            .withRequestBody(matchingJsonPath("$.variables.name", equalTo("run2")))
            .willReturn(okJson(Fixtures.page(500, 2, false, api.baseUrl()))));
    Run other = client.run("acme/proj/run2");
    List<File> both =
        Flux.concat(run.files().take(2), other.files(), run.files().skip(2).take(1))
            .collectList()
            .block(Duration.ofSeconds(10));

    StepVerifier.create(run.deleteFiles(Flux.fromIterable(both)))
        .expectNext(5L)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    List<JsonNode> sent = deletions();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).get("variables").get("files").toString())
        .isEqualTo("[\"id0\",\"id1\",\"id2\"]");
    assertThat(sent.get(1).get("variables").get("files").toString())
        .isEqualTo("[\"id500\",\"id501\"]");
  }
}
