package dev.wandb4j.project;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.FileQuery;
import dev.wandb4j.RunQuery;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.testing.WireMockApiTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** A server that lists a project's runs without end: a fresh cursor on every page, same runs. */
class HostileRunListingTest extends WireMockApiTest {
  @TempDir Path root;

  private void pagesWithoutEnd() {
    api.stubFor(
        post(urlEqualTo("/graphql"))
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFiles")))
            .willReturn(
                okJson(
                    "{\"data\":{\"project\":{\"run\":{\"files\":{\"edges\":[],"
                        + "\"pageInfo\":{\"hasNextPage\":false}}}}}}")));
    api.stubFor(
        post(urlEqualTo("/graphql"))
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("Runs")))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"data\":{\"project\":{\"runCount\":1,\"runs\":{\"edges\":[{\"node\":"
                            + "{\"id\":\"x\",\"name\":\"r1\",\"state\":\"finished\"},"
                            + "\"cursor\":\"{{randomValue length=16 type='ALPHANUMERIC'}}\"}],"
                            + "\"pageInfo\":{\"hasNextPage\":true}}}}}")
                    .withTransformers("response-template")));
  }

  @Test
  void aListingWhosePagesBringNothingNewEndsWithAnErrorInsteadOfPagingForEver() {
    pagesWithoutEnd();
    StepVerifier.create(client.project("acme/proj").runs())
        .thenConsumeWhile(r -> r.path().runId().equals("r1"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbException.class)
                    .hasMessageContaining("holding only runs listed before"))
        .verify(Duration.ofSeconds(20));
    // the first page, whose run is new, then ten that bring nothing new
    assertThat(api.getAllServeEvents()).hasSize(11);
  }

  @Test
  void anExportOfSuchAListingEndsToo() {
    pagesWithoutEnd();
    StepVerifier.create(
            client
                .project("acme/proj")
                .downloadAll(root, RunQuery.DEFAULT, FileQuery.DEFAULT, DownloadOptions.DEFAULT, 4)
                .onErrorResume(
                    e ->
                        e.getMessage().contains("holding only runs listed before")
                            ? reactor.core.publisher.Mono.empty()
                            : reactor.core.publisher.Mono.error(e)))
        .verifyComplete();
  }
}
