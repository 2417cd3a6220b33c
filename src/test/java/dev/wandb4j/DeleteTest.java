package dev.wandb4j;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.WireMockApiTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
}
