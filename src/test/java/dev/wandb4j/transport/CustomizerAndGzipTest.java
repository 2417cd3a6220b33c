package dev.wandb4j.transport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.TestClients;
import dev.wandb4j.testing.WireMockApiTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * The customizer reaches every request, the API's answers may come gzipped, and downloads are never
 * asked to be.
 */
class CustomizerAndGzipTest extends WireMockApiTest {
  @TempDir Path root;

  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void theCustomizerSeesEveryRequestOfListingAndDownloading() throws Exception {
    byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
    ObjectNode n = Fixtures.node("a.bin", "id1", 3, api.baseUrl());
    n.put("url", api.baseUrl() + "/files/a.bin");
    n.put("md5", Fixtures.md5Base64(body));
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(n))));
    api.stubFor(get("/files/a.bin").willReturn(aResponse().withBody(body)));
    AtomicInteger requests = new AtomicInteger();
    try (WandbClient c =
        TestClients.builder(api.baseUrl())
            .httpClientCustomizer(
                http ->
                    http.headers(h -> h.set("X-Customized", "yes"))
                        .doOnRequest((req, conn) -> requests.incrementAndGet()))
            .build()) {
      File f = c.run("acme/proj/run1").files().blockFirst(Duration.ofSeconds(10));
      Path p = f.download(root).block(Duration.ofSeconds(10));
      assertThat(Files.readAllBytes(p)).isEqualTo(body);
    }
    assertThat(requests.get()).isEqualTo(2);
    api.verify(
        1, postRequestedFor(urlEqualTo("/graphql")).withHeader("X-Customized", equalTo("yes")));
    api.verify(
        1, getRequestedFor(urlEqualTo("/files/a.bin")).withHeader("X-Customized", equalTo("yes")));
  }

  @Test
  void aGzippedPageIsReadAndDownloadsDoNotAskForGzip() throws Exception {
    String page = Fixtures.page(0, 1000, false, api.baseUrl());
    byte[] zipped = gzip(page);
    api.stubFor(
        post("/graphql")
            .withHeader("Accept-Encoding", containing("gzip"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Content-Encoding", "gzip")
                    .withBody(zipped)));
    api.stubFor(get("/files/acme/proj/run1/f0.txt").willReturn(aResponse().withBody("0123456789")));
    StepVerifier.create(run.files().count()).expectNext(1000L).verifyComplete();
    assertThat(zipped.length).isLessThan(page.length() / 4);
    File f0 = run.file("f0.txt").block(Duration.ofSeconds(10));
    f0.content().doOnNext(b -> b.release()).blockLast(Duration.ofSeconds(10));
    api.verify(
        getRequestedFor(urlEqualTo("/files/acme/proj/run1/f0.txt"))
            .withoutHeader("Accept-Encoding"));
  }

  @Test
  void aGzippedAnswerThatInflatesPastTheLimitIsRefused() throws Exception {
    String huge = "{\"data\":{\"pad\":\"" + " ".repeat(3 << 20) + "\"}}";
    api.stubFor(
        post("/graphql")
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Content-Encoding", "gzip")
                    .withBody(gzip(huge))));
    try (WandbClient c = TestClients.builder(api.baseUrl()).maxResponseBytes(1 << 20).build()) {
      StepVerifier.create(c.run("acme/proj/run1").files())
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(WandbException.class)
                      .hasMessageContaining("larger than 1048576 bytes"))
          .verify(Duration.ofSeconds(10));
    }
  }
}
