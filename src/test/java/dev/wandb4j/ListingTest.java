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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.TestClients;
import dev.wandb4j.testing.WireMockApiTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ListingTest extends WireMockApiTest {

  /** Three pages of 50: f0..f49 (cursor c50), f50..f99 (c100), f100..f149 (last). */
  private void stubThreePages() {
    String base = api.baseUrl();
    api.stubFor(
        post("/graphql")
            .atPriority(5)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFiles")))
            .willReturn(okJson(Fixtures.page(0, 50, true, base))));
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.variables.fileCursor", equalTo("c50")))
            .willReturn(okJson(Fixtures.page(50, 50, true, base))));
    api.stubFor(
        post("/graphql")
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.variables.fileCursor", equalTo("c100")))
            .willReturn(okJson(Fixtures.page(100, 50, false, base))));
  }

  private int graphQlRequests() {
    return api.findAll(postRequestedFor(urlEqualTo("/graphql"))).size();
  }

  /** The cursors the page requests carried, in order ("null" for the first page). */
  private List<String> cursorsRequested() {
    return api.findAll(postRequestedFor(urlEqualTo("/graphql"))).stream()
        .map(r -> json(r).get("variables").get("fileCursor").asText())
        .toList();
  }

  @Test
  void nothingIsSentBeforeSubscription() {
    stubThreePages();
    run.files();
    run.filePages(FileQuery.DEFAULT);
    run.fileCount();
    assertThat(graphQlRequests()).isZero();
  }

  @Test
  void listingFetchesNextPageOnlyWhenDemanded() {
    stubThreePages();
    StepVerifier.create(run.files(), 0)
        .expectSubscription()
        .then(() -> assertThat(graphQlRequests()).isZero())
        .thenRequest(1)
        .assertNext(f -> assertThat(f.name()).isEqualTo("f0.txt"))
        .then(() -> assertThat(cursorsRequested()).containsExactly("null"))
        .thenRequest(48)
        .expectNextCount(48)
        .then(() -> assertThat(cursorsRequested()).containsExactly("null"))
        .thenRequest(2)
        .expectNextCount(1)
        .assertNext(f -> assertThat(f.name()).isEqualTo("f50.txt"))
        .then(() -> assertThat(cursorsRequested()).containsExactly("null", "c50"))
        .thenCancel()
        .verify(Duration.ofSeconds(10));
    assertThat(cursorsRequested()).containsExactly("null", "c50");
  }

  @Test
  void requestingPerPageMoreFilesFetchesExactlyOneMorePage() {
    stubThreePages();
    StepVerifier.create(run.files(), 0)
        .thenRequest(1)
        .expectNextCount(1)
        .thenRequest(50)
        .expectNextCount(50)
        .then(() -> assertThat(cursorsRequested()).containsExactly("null", "c50"))
        .thenCancel()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void listingWalksEveryPageInOrderAndSendsTheCursorsItWasGiven() {
    stubThreePages();
    List<File> files = run.files().collectList().block(Duration.ofSeconds(10));
    assertThat(files).hasSize(150);
    assertThat(files.get(149).name()).isEqualTo("f149.txt");
    List<JsonNode> bodies =
        api.findAll(postRequestedFor(urlEqualTo("/graphql"))).stream()
            .map(ListingTest::json)
            .toList();
    assertThat(bodies).hasSize(3);
    JsonNode first = bodies.get(0).get("variables");
    assertThat(first.get("project").asText()).isEqualTo("proj");
    assertThat(first.get("entity").asText()).isEqualTo("acme");
    assertThat(first.get("name").asText()).isEqualTo("run1");
    assertThat(first.get("fileLimit").asInt()).isEqualTo(50);
    assertThat(first.get("fileCursor").isNull()).isTrue();
    assertThat(first.get("fileNames").isArray()).isTrue();
    assertThat(first.get("pattern").isNull()).isTrue();
    assertThat(first.get("upload").asBoolean()).isFalse();
    assertThat(bodies.get(1).get("variables").get("fileCursor").asText()).isEqualTo("c50");
    assertThat(bodies.get(2).get("variables").get("fileCursor").asText()).isEqualTo("c100");
    assertThat(bodies.get(0).get("operationName").asText()).isEqualTo("RunFiles");
    assertThat(bodies.get(0).get("query").asText()).contains("query RunFiles(");
  }

  @Test
  void everyPageArrivesWhenDemandComesFromManyThreadsAtOnce() {
    stubThreePages();
    for (int round = 0; round < 10; round++) {
      api.resetRequests();
      List<String> names =
          run.files()
              .flatMap(f -> Mono.fromCallable(f::name).subscribeOn(Schedulers.parallel()), 16)
              .collectList()
              .block(Duration.ofSeconds(10));
      assertThat(names).hasSize(150).doesNotHaveDuplicates();
      assertThat(cursorsRequested()).containsExactly("null", "c50", "c100");
    }
  }

  @Test
  void everySubscriptionStartsAfresh() {
    stubThreePages();
    Flux3 listing = new Flux3(run);
    assertThat(listing.count()).isEqualTo(150);
    assertThat(listing.count()).isEqualTo(150);
    assertThat(graphQlRequests()).isEqualTo(6);
  }

  private record Flux3(Run run) {
    long count() {
      return run.files().count().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void requestsCarryBasicAuthForApiUserAndAUserAgentNamingTheClient() {
    stubThreePages();
    run.files().take(1).blockLast(Duration.ofSeconds(10));
    LoggedRequest req = api.findAll(postRequestedFor(urlEqualTo("/graphql"))).get(0);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("api:" + TestClients.API_KEY).getBytes(StandardCharsets.UTF_8));
    assertThat(req.getHeader("Authorization")).isEqualTo(expected);
    assertThat(req.getHeader("User-Agent")).startsWith("wandb4j/");
    assertThat(req.getHeader("Content-Type")).startsWith("application/json");
  }

  @Test
  void queryFiltersAndPageSizeGoOnTheWire() {
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.page(0, 2, false, api.baseUrl()))));
    run.files(FileQuery.builder().pattern("%.json").perPage(200).upload(true).build())
        .blockLast(Duration.ofSeconds(10));
    run.files(FileQuery.builder().names(List.of("a.txt", "b.txt")).build())
        .blockLast(Duration.ofSeconds(10));
    List<LoggedRequest> reqs = api.findAll(postRequestedFor(urlEqualTo("/graphql")));
    JsonNode v1 = json(reqs.get(0)).get("variables");
    assertThat(v1.get("pattern").asText()).isEqualTo("%.json");
    assertThat(v1.get("fileLimit").asInt()).isEqualTo(200);
    assertThat(v1.get("upload").asBoolean()).isTrue();
    JsonNode v2 = json(reqs.get(1)).get("variables");
    assertThat(v2.get("fileNames").toString()).isEqualTo("[\"a.txt\",\"b.txt\"]");
  }

  @Test
  void filesCarryEveryFieldWandbSent() {
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.page(7, 1, false, api.baseUrl()))));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    assertThat(f.id()).isEqualTo("id7");
    assertThat(f.name()).isEqualTo("f7.txt");
    assertThat(f.url()).isEqualTo(api.baseUrl() + "/files/acme/proj/run1/f7.txt");
    assertThat(f.size()).isEqualTo(17);
    assertThat(f.md5()).isEqualTo("mZFLkyvTelC5g8XnyQrpOw==");
    assertThat(f.mimetype()).isEqualTo("text/plain");
    assertThat(f.updatedAt()).isEqualTo(Instant.parse("2025-03-25T21:43:51Z"));
    assertThat(f.pathUri()).isEqualTo("s3://bucket/f7.txt");
    assertThat(f.run()).isSameAs(run);
    assertThat(f.toString()).doesNotContain("secret").contains("f7.txt");
  }

  @Test
  void filePagesExposeCursorsAndResumeFromOne() {
    stubThreePages();
    FilePage first = run.filePages(FileQuery.DEFAULT).blockFirst(Duration.ofSeconds(10));
    assertThat(first.files()).hasSize(50);
    assertThat(first.endCursor()).isEqualTo("c50");
    assertThat(first.hasNextPage()).isTrue();
    List<FilePage> rest =
        run.filePages(FileQuery.DEFAULT, first.endCursor())
            .collectList()
            .block(Duration.ofSeconds(10));
    assertThat(rest).hasSize(2);
    assertThat(rest.get(0).files().get(0).name()).isEqualTo("f50.txt");
    assertThat(rest.get(1).hasNextPage()).isFalse();
  }

  @Test
  void anEmptyPageThatClaimsMoreEndsWithAnErrorInsteadOfLooping() {
    api.stubFor(
        post("/graphql")
            .willReturn(
                okJson(
                    "{\"data\":{\"project\":{\"run\":{\"projectId\":1,\"files\":{\"edges\":[],"
                        + "\"pageInfo\":{\"endCursor\":\"x\",\"hasNextPage\":true}}}}}}")));
    StepVerifier.create(run.files())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbException.class)
                    .hasMessageContaining("empty page")
                    .hasMessageContaining("acme/proj/run1"))
        .verify(Duration.ofSeconds(10));
    assertThat(graphQlRequests()).isEqualTo(1);
  }

  @Test
  void aRepeatedCursorEndsWithAnErrorInsteadOfLooping() {
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.page(0, 50, true, api.baseUrl()))));
    StepVerifier.create(run.files())
        .expectNextCount(50)
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbException.class).hasMessageContaining("again"))
        .verify(Duration.ofSeconds(10));
    assertThat(graphQlRequests()).isEqualTo(2);
  }

  @Test
  void aNullFilesConnectionIsAnEmptyListing() {
    api.stubFor(
        post("/graphql")
            .willReturn(
                okJson("{\"data\":{\"project\":{\"run\":{\"projectId\":1,\"files\":null}}}}")));
    StepVerifier.create(run.files()).verifyComplete();
  }

  @Test
  void aMissingRunOrProjectIsNotFoundNamingThePath() {
    api.stubFor(post("/graphql").willReturn(okJson("{\"data\":{\"project\":{\"run\":null}}}")));
    StepVerifier.create(run.files())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbNotFoundException.class)
                    .hasMessageContaining("acme/proj/run1"))
        .verify(Duration.ofSeconds(10));
    api.resetAll();
    api.stubFor(post("/graphql").willReturn(okJson("{\"data\":{\"project\":null}}")));
    StepVerifier.create(run.fileCount())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbNotFoundException.class)
                    .hasMessageContaining("acme/proj"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void fileCountIsTheRunsTotal() {
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileCount")))
            .willReturn(okJson("{\"data\":{\"project\":{\"run\":{\"fileCount\":1234}}}}")));
    StepVerifier.create(run.fileCount()).expectNext(1234L).verifyComplete();
  }

  @Test
  void fileByNameAsksForThatNameAndTreatsMd5ZeroAsMissing() {
    var present = Fixtures.node("media/a.png", "idA", 3, api.baseUrl());
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.variables.fileNames[0]", equalTo("media/a.png")))
            .willReturn(okJson(Fixtures.pageOf(present))));
    var placeholder = Fixtures.node("nope.txt", "idZ", 0, api.baseUrl()).put("md5", "0");
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.variables.fileNames[0]", equalTo("nope.txt")))
            .willReturn(okJson(Fixtures.pageOf(placeholder))));

    StepVerifier.create(run.file("media/a.png"))
        .assertNext(f -> assertThat(f.id()).isEqualTo("idA"))
        .verifyComplete();
    StepVerifier.create(run.file("nope.txt"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbNotFoundException.class)
                    .hasMessageContaining("nope.txt"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aFileWithoutSizeIsATypedErrorNotAZero() {
    var broken = Fixtures.node("a.txt", "id1", 1, api.baseUrl());
    broken.remove("sizeBytes");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(broken))));
    StepVerifier.create(run.files())
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbException.class).hasMessageContaining("sizeBytes"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aWrongTypeIsATypedError() {
    var broken = Fixtures.node("a.txt", "id1", 1, api.baseUrl());
    broken.put("sizeBytes", "twelve");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(broken))));
    StepVerifier.create(run.files())
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbException.class).hasMessageContaining("RunFiles"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void truncatedJsonIsATypedError() {
    api.stubFor(
        post("/graphql")
            .willReturn(aResponse().withStatus(200).withBody("{\"data\":{\"project\":{\"ru")));
    StepVerifier.create(run.fileCount())
        .expectError(WandbException.class)
        .verify(Duration.ofSeconds(10));
  }

  static JsonNode json(LoggedRequest r) {
    try {
      return Fixtures.JSON.readTree(r.getBodyAsString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
