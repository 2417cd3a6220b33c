package dev.wandb4j.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wandb4j.File;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.WireMockApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/** A server that sends nonsense gets a typed error, bounded memory, and nothing on disk. */
class HostileResponsesTest extends WireMockApiTest {
  @Override
  protected String runPath() {
    return "acme/proj/r1";
  }

  @TempDir Path root;

  private void listing(ObjectNode node) {
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
  }

  @Test
  void anEnormousStringIsRefused() {
    ObjectNode n = Fixtures.node("a.txt", "id1", 1, api.baseUrl());
    n.put("mimetype", "x".repeat(2 << 20));
    listing(n);
    StepVerifier.create(run.files())
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WandbException.class))
        .verify(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "100000000000000000000000", "1.5", "\"12\"", "true", "null"})
  void anAbsurdSizeIsATypedError(String size) {
    String page =
        Fixtures.pageOf(Fixtures.node("a.txt", "id1", 1, api.baseUrl()))
            .replace("\"sizeBytes\":1", "\"sizeBytes\":" + size);
    api.stubFor(post("/graphql").willReturn(okJson(page)));
    StepVerifier.create(run.files())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbException.class)
                    .message()
                    .containsAnyOf("RunFiles", "sizeBytes"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aNameThatIsNotAStringIsATypedError() {
    String page =
        Fixtures.pageOf(Fixtures.node("a.txt", "id1", 1, api.baseUrl()))
            .replace("\"name\":\"a.txt\"", "\"name\":{\"nested\":1}");
    api.stubFor(post("/graphql").willReturn(okJson(page)));
    StepVerifier.create(run.files())
        .expectError(WandbException.class)
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aRedirectLoopEndsAfterTenHops() throws Exception {
    ObjectNode n = Fixtures.node("a.bin", "id1", 3, api.baseUrl());
    n.put("url", api.baseUrl() + "/loop");
    listing(n);
    api.stubFor(
        get("/loop").willReturn(aResponse().withStatus(302).withHeader("Location", "/loop")));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbHttpException.class)
                    .hasMessageContaining("Too many redirects"))
        .verify(Duration.ofSeconds(10));
    assertThat(api.findAll(getRequestedFor(urlPathEqualTo("/loop")))).hasSize(11);
    assertNothingWritten();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "//"})
  void aRedirectToAnotherSchemeIsRefused(String location) throws Exception {
    ObjectNode n = Fixtures.node("a.bin", "id1", 3, api.baseUrl());
    n.put("url", api.baseUrl() + "/odd");
    listing(n);
    api.stubFor(
        get("/odd").willReturn(aResponse().withStatus(302).withHeader("Location", location)));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbHttpException.class)
                    .message()
                    .containsIgnoringCase("redirect"))
        .verify(Duration.ofSeconds(10));
    assertNothingWritten();
  }

  @Test
  void aContentLengthThatLiesIsRefusedBeforeWriting() throws Exception {
    ObjectNode n = Fixtures.node("a.bin", "id1", 3, api.baseUrl());
    n.put("url", api.baseUrl() + "/lies");
    listing(n);
    api.stubFor(get("/lies").willReturn(aResponse().withBody("0123456789")));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(dev.wandb4j.error.WandbTransferException.class)
                    .message()
                    .containsAnyOf("announced 10 bytes", "more than the 3 bytes"))
        .verify(Duration.ofSeconds(10));
    assertNothingWritten();
  }

  private void assertNothingWritten() throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
