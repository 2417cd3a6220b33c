package dev.wandb4j.integrity;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.testing.Bodies;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.LeakDetection;
import dev.wandb4j.testing.RawHttpServer;
import dev.wandb4j.testing.TestClients;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code content(offset, length)}, the way to answer HTTP Range requests, at its edges. */
class ContentRangeTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final byte[] V1 = bytes(1);
  static final byte[] V2 = bytes(2);
  static final int FROM = 1000;
  static final int LENGTH = 3000;

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

  private File listed() {
    ObjectNode node = Fixtures.node("data.bin", "id1", V1.length, api.baseUrl());
    node.put("md5", Fixtures.md5Base64(V1));
    node.put("url", server.baseUrl() + "/bucket/data.bin?sig=1");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    return client.run("acme/proj/run1").files().blockFirst(Duration.ofSeconds(10));
  }

  private static void partial(java.io.OutputStream out, byte[] v, String etag, int from, int len)
      throws IOException {
    RawHttpServer.head(
        out,
        206,
        "Content-Length: " + len,
        "Content-Range: bytes " + from + "-" + (from + len - 1) + "/" + v.length,
        "ETag: " + etag);
  }

  /**
   * The first answer's headers (206, ETag v1) arrive, then the connection drops before any byte.
   * The file is re-uploaded (v2), and the storage server, like S3, honours Range but not If-Range:
   * it answers 206 for the same range with ETag v2. Nothing was delivered yet, so the stream
   * restarts cleanly on v2 and delivers v2's bytes of the range asked for. (Before 2026-11-30 it
   * skipped the offset a second time and delivered v2's bytes from twice the offset.)
   */
  @Test
  void aRangedStreamThatMeetsANewVersionBeforeItsFirstByteNeverDeliversBytesFromAnotherOffset()
      throws Exception {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              if (n == 0) {
                partial(out, V1, "\"v1\"", FROM, LENGTH);
                out.flush();
                return; // closed before the body
              }
              partial(out, V2, "\"v2\"", FROM, LENGTH);
              out.write(V2, FROM, LENGTH);
            });
    client = TestClients.client(api.baseUrl());
    File f = listed();
    Bodies.Collector got = new Bodies.Collector();
    f.content(FROM, LENGTH).doOnNext(got).blockLast(Duration.ofSeconds(20));
    assertThat(got.bytes()).isEqualTo(Arrays.copyOfRange(V2, FROM, FROM + LENGTH));
    assertThat(LeakDetection.collect()).isEmpty();
  }

  /** A range whose end lies past the largest long is refused, not wrapped around. */
  @Test
  void aRangeWhoseEndOverflowsIsRefused() throws Exception {
    server = new RawHttpServer((n, req, out) -> RawHttpServer.head(out, 500));
    client = TestClients.client(api.baseUrl());
    File f = listed();
    assertThatThrownBy(() -> f.content(1, Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
