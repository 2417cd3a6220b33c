package dev.wandb4j.integrity;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Bodies;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.LeakDetection;
import dev.wandb4j.testing.RawHttpServer;
import dev.wandb4j.testing.TestClients;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * What a resumed transfer may and may not splice together: never two versions of a file, never
 * bytes a server placed at the wrong offset; and a consumer that pauses is not a dead server.
 */
class ResumeIntegrityTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final byte[] V1 = bytes(1);
  static final byte[] V2 = bytes(2);
  static final int CUT = 300_000;

  @TempDir Path root;
  private WandbClient client;
  private RawHttpServer server;

  static byte[] bytes(int seed) {
    byte[] b = new byte[1 << 20];
    new Random(seed).nextBytes(b);
    return b;
  }

  @AfterEach
  void tearDown() throws IOException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private File listed(WandbClient c) {
    ObjectNode node = Fixtures.node("data.bin", "id1", V1.length, api.baseUrl());
    node.put("md5", Fixtures.md5Base64(V1));
    node.put("url", server.baseUrl() + "/bucket/data.bin?sig=1");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    return c.run("acme/proj/run1").files().blockFirst(Duration.ofSeconds(10));
  }

  /** The first answer breaks after CUT bytes of V1; then the file is V2 and Range is honoured. */
  private static RawHttpServer.Handler reuploadedMidStream() {
    return (n, req, out) -> {
      if (n == 0) {
        RawHttpServer.head(out, 200, "Content-Length: " + V1.length, "ETag: \"v1\"");
        out.write(V1, 0, CUT);
        return;
      }
      String ifRange = req.header("If-Range");
      String range = req.header("Range");
      if (range != null && "\"v2\"".equals(ifRange)) {
        int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        RawHttpServer.head(
            out,
            206,
            "Content-Length: " + (V2.length - from),
            "Content-Range: bytes " + from + "-" + (V2.length - 1) + "/" + V2.length,
            "ETag: \"v2\"");
        out.write(V2, from, V2.length - from);
        return;
      }
      RawHttpServer.head(out, 200, "Content-Length: " + V2.length, "ETag: \"v2\"");
      out.write(V2);
    };
  }

  @Test
  void contentOfAFileReuploadedMidStreamEndsWithAnErrorInsteadOfSplicingVersions()
      throws IOException {
    server = new RawHttpServer(reuploadedMidStream());
    client = TestClients.client(api.baseUrl());
    File f = listed(client);
    Bodies.Collector got = new Bodies.Collector();
    StepVerifier.create(f.content().doOnNext(got))
        .thenConsumeWhile(b -> true)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("changed"))
        .verify(Duration.ofSeconds(20));
    byte[] emitted = got.bytes();
    assertThat(emitted.length).isLessThanOrEqualTo(CUT);
    assertThat(emitted).isEqualTo(java.util.Arrays.copyOf(V1, emitted.length));
    assertThat(server.requests().get(1).header("If-Range")).isEqualTo("\"v1\"");
  }

  @Test
  void aDownloadOfAFileReuploadedMidStreamNeverCommitsASplice() throws IOException {
    server = new RawHttpServer(reuploadedMidStream());
    client = TestClients.client(api.baseUrl());
    File f = listed(client);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("MD5"))
        .verify(Duration.ofSeconds(20));
    assertThat(root.resolve("data.bin")).doesNotExist();
    assertThat(Fixtures.partFiles(root)).isEmpty();
  }

  @Test
  void aContentRangeAtTheWrongOffsetIsNotRetried() throws IOException {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              if (n == 0) {
                RawHttpServer.head(out, 200, "Content-Length: " + V1.length, "ETag: \"v1\"");
                out.write(V1, 0, CUT);
                return;
              }
              RawHttpServer.head(
                  out,
                  206,
                  "Content-Length: " + (V1.length - 5),
                  "Content-Range: bytes 5-" + (V1.length - 1) + "/" + V1.length,
                  "ETag: \"v1\"");
              out.write(V1, 5, V1.length - 5);
            });
    client = TestClients.client(api.baseUrl());
    File f = listed(client);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("Content-Range")
                    .satisfies(
                        t -> assertThat(((WandbTransferException) t).isRetryable()).isFalse()))
        .verify(Duration.ofSeconds(10));
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void aContentLengthThatContradictsTheListingIsNotRetried() throws IOException {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(out, 200, "Content-Length: " + (V1.length + 10), "ETag: \"v1\"");
              out.write(V1);
            });
    client = TestClients.client(api.baseUrl());
    File f = listed(client);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("announced"))
        .verify(Duration.ofSeconds(10));
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aConsumerThatPausesLongerThanTheReadTimeoutGetsItsBytesFromTheSameRequest()
      throws Exception {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(out, 200, "Content-Length: " + V1.length, "ETag: \"v1\"");
              out.write(V1);
            });
    client = TestClients.builder(api.baseUrl()).readTimeout(Duration.ofMillis(300)).build();
    File f = listed(client);
    Bodies.Collector got = new Bodies.Collector();
    StepVerifier.create(f.content().doOnNext(got), 1)
        .expectNextCount(1)
        .thenAwait(Duration.ofMillis(1200))
        .thenRequest(1)
        .expectNextCount(1)
        .thenAwait(Duration.ofMillis(1200))
        .thenRequest(Long.MAX_VALUE)
        .thenConsumeWhile(b -> true)
        .verifyComplete();
    assertThat(got.bytes()).isEqualTo(V1);
    assertThat(server.requests()).hasSize(1);
    assertThat(LeakDetection.collect()).isEmpty();
  }

  @Test
  void aServerSilentWhileTheConsumerWaitsStillTimesOut() throws Exception {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(out, 200, "Content-Length: " + V1.length, "ETag: \"v1\"");
              out.write(V1, 0, 1000);
              out.flush();
              try {
                Thread.sleep(5_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    client =
        TestClients.builder(api.baseUrl())
            .readTimeout(Duration.ofMillis(300))
            .maxRetries(0)
            .build();
    File f = listed(client);
    StepVerifier.create(f.content().doOnNext(ByteBuf::release))
        .thenConsumeWhile(b -> true)
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("data.bin"))
        .verify(Duration.ofSeconds(4));
  }
}
