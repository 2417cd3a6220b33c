package dev.wandb4j;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.LeakDetection;
import dev.wandb4j.testing.RawHttpServer;
import dev.wandb4j.testing.RawHttpServer.Request;
import dev.wandb4j.testing.TestClients;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** Broken connections, resumed with Range requests, against a server that breaks on purpose. */
class ResumeTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final byte[] DATA = new byte[1 << 20];

  static {
    new Random(7).nextBytes(DATA);
  }

  static final int CUT = 300_000;

  @TempDir Path root;
  private WandbClient client;
  private RawHttpServer server;

  @BeforeEach
  void setUp() {
    client = TestClients.client(api.baseUrl());
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  private File listed(long size) {
    ObjectNode node = Fixtures.node("data.bin", "id1", size, api.baseUrl());
    node.put("md5", Fixtures.md5Base64(DATA));
    node.put("url", server.baseUrl() + "/bucket/data.bin?sig=1");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    return client.run("acme/proj/run1").files().blockFirst(Duration.ofSeconds(10));
  }

  /** The first answer breaks after CUT bytes; later ones honour Range (or, if told, ignore it). */
  private static RawHttpServer.Handler breaksOnceThen(boolean honourRange) {
    return (n, req, out) -> {
      if (n == 0) {
        RawHttpServer.head(out, 200, "Content-Length: " + DATA.length, "ETag: \"v1\"");
        out.write(DATA, 0, CUT);
        out.flush();
        return;
      }
      String range = req.header("Range");
      if (honourRange && range != null) {
        int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        RawHttpServer.head(
            out,
            206,
            "Content-Length: " + (DATA.length - from),
            "Content-Range: bytes " + from + "-" + (DATA.length - 1) + "/" + DATA.length,
            "ETag: \"v1\"");
        out.write(DATA, from, DATA.length - from);
      } else {
        RawHttpServer.head(out, 200, "Content-Length: " + DATA.length, "ETag: \"v1\"");
        out.write(DATA);
      }
    };
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().contains(".wandb4j-part")).map(Path::toString).toList();
    }
  }

  @Test
  void aBodyCutShortResumesFromTheBytesWrittenGuardedByTheEtag() throws IOException {
    server = new RawHttpServer(breaksOnceThen(true));
    Path p = listed(DATA.length).download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
    List<Request> reqs = server.requests();
    assertThat(reqs).hasSize(2);
    assertThat(reqs.get(0).header("Range")).isNull();
    assertThat(reqs.get(1).header("Range")).isEqualTo("bytes=" + CUT + "-");
    assertThat(reqs.get(1).header("If-Range")).isEqualTo("\"v1\"");
    assertThat(reqs.get(1).header("Authorization")).isNull();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aServerThatIgnoresRangeIsRestartedFromZeroCleanly() throws IOException {
    server = new RawHttpServer(breaksOnceThen(false));
    Path p = listed(DATA.length).download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void contentResumesToo() throws IOException {
    server = new RawHttpServer(breaksOnceThen(true));
    assertThat(collect(listed(DATA.length))).isEqualTo(DATA);
    assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=" + CUT + "-");
  }

  @Test
  void contentSkipsWhatItAlreadyEmittedWhenTheServerIgnoresRange() throws IOException {
    server = new RawHttpServer(breaksOnceThen(false));
    assertThat(collect(listed(DATA.length))).isEqualTo(DATA);
  }

  private static byte[] collect(File f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.content()
        .doOnNext(
            buf -> {
              byte[] b = new byte[buf.readableBytes()];
              buf.readBytes(b);
              buf.release();
              out.writeBytes(b);
            })
        .blockLast(Duration.ofSeconds(10));
    return out.toByteArray();
  }

  @Test
  void aContentRangeThatDoesNotMatchTheRequestIsRefused() throws IOException {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              if (n == 0) {
                RawHttpServer.head(out, 200, "Content-Length: " + DATA.length, "ETag: \"v1\"");
                out.write(DATA, 0, CUT);
                return;
              }
              RawHttpServer.head(
                  out,
                  206,
                  "Content-Length: " + (DATA.length - 5),
                  "Content-Range: bytes 5-" + (DATA.length - 1) + "/" + DATA.length);
              out.write(DATA, 5, DATA.length - 5);
            });
    StepVerifier.create(listed(DATA.length).download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("Content-Range"))
        .verify(Duration.ofSeconds(10));
    assertThat(leftovers()).isEmpty();
    assertThat(root.resolve("data.bin")).doesNotExist();
  }

  @Test
  void aBodyLongerThanTheListedSizeIsRefused() throws IOException {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(out, 200);
              out.write(DATA);
              out.write(DATA);
            });
    StepVerifier.create(listed(DATA.length).download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("more than"))
        .verify(Duration.ofSeconds(10));
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aConnectionThatKeepsBreakingFailsOnceRetriesStopMakingProgress() throws IOException {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(out, 200, "Content-Length: " + DATA.length);
            });
    StepVerifier.create(listed(DATA.length).download(root))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("data.bin"))
        .verify(Duration.ofSeconds(10));
    assertThat(server.requests()).hasSize(4);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aStalledSubscriberStopsTheSocketBeingRead() throws Exception {
    long huge = 1L << 30;
    byte[] chunk = new byte[64 * 1024];
    server =
        new RawHttpServer(
            (n, req, out) -> {
              RawHttpServer.head(out, 200, "Content-Length: " + huge);
              for (long sent = 0; sent < huge; sent += chunk.length) {
                out.write(chunk);
              }
            });
    File f = listed(huge);
    StepVerifier.create(f.content().doOnNext(ByteBuf::release), 1)
        .expectNextCount(1)
        .then(
            () -> {
              sleep(1500);
              long first = server.bytesSent();
              sleep(500);
              assertThat(server.bytesSent()).isEqualTo(first).isLessThan(64L << 20);
            })
        .thenCancel()
        .verify(Duration.ofSeconds(20));
    assertThat(LeakDetection.collect()).isEmpty();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
