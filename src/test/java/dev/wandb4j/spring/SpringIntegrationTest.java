package dev.wandb4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.spring.app.ProxyApplication;
import dev.wandb4j.testing.LeakDetection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/** A Spring Boot WebFlux application proxying W&amp;B files from the emulator. */
@SpringBootTest(
    classes = ProxyApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"wandb.max-retries=7", "wandb.read-timeout=20s", "wandb.max-connections=12"})
class SpringIntegrationTest {
  static final byte[] DATA = new byte[3_000_000];

  static {
    new Random(8).nextBytes(DATA);
  }

  static final WandbEmulator EMU = WandbEmulator.start();
  static final EmulatedFile FILE = EMU.run("acme/proj/r1").addFile("media/big file.bin", DATA);

  @DynamicPropertySource
  static void wandb(DynamicPropertyRegistry registry) {
    registry.add("wandb.base-url", EMU::baseUrl);
    registry.add("wandb.api-key", EMU::apiKey);
  }

  @AfterAll
  static void stop() {
    EMU.close();
  }

  @Autowired Environment env;
  @Autowired WandbClient client;
  @Autowired WandbProperties properties;
  @Autowired MeterRegistry meters;

  private WebTestClient web() {
    return WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port"))
        .responseTimeout(Duration.ofSeconds(30))
        .codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20))
        .build();
  }

  private static final String PATH = "/runs/acme/proj/r1/files/media/big file.bin";

  @Test
  void propertiesBindToTheClient() {
    assertThat(client.baseUrl().toString()).isEqualTo(EMU.baseUrl());
    assertThat(properties.getMaxRetries()).isEqualTo(7);
    assertThat(properties.getReadTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(properties.getMaxConnections()).isEqualTo(12);
    assertThat(properties.getTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theProxyStreamsTheWholeFileWithItsHeaders() {
    EntityExchangeResult<byte[]> result =
        web().get().uri(PATH).exchange().expectStatus().isOk().expectBody().returnResult();
    assertThat(result.getResponseBody()).isEqualTo(DATA);
    assertThat(result.getResponseHeaders().getContentLength()).isEqualTo(DATA.length);
    assertThat(result.getResponseHeaders().getETag()).isEqualTo("\"" + FILE.md5() + "\"");
    assertThat(result.getResponseHeaders().getFirst("Accept-Ranges")).isEqualTo("bytes");
  }

  @Test
  void aRangeRequestIsPassedThrough() {
    EMU.clearRequests();
    EntityExchangeResult<byte[]> result =
        web()
            .get()
            .uri(PATH)
            .header("Range", "bytes=1000-1999")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.PARTIAL_CONTENT)
            .expectBody()
            .returnResult();
    assertThat(result.getResponseBody()).isEqualTo(Arrays.copyOfRange(DATA, 1000, 2000));
    assertThat(result.getResponseHeaders().getFirst("Content-Range"))
        .isEqualTo("bytes 1000-1999/" + DATA.length);
    assertThat(EMU.requests().stream().filter(r -> r.server().equals("storage")))
        .singleElement()
        .satisfies(r -> assertThat(r.range()).isEqualTo("bytes=1000-1999"));
    web()
        .get()
        .uri(PATH)
        .header("Range", "bytes=9999999-")
        .exchange()
        .expectStatus()
        .isEqualTo(416);
    web()
        .get()
        .uri(PATH)
        .header("If-None-Match", "\"" + FILE.md5() + "\"")
        .exchange()
        .expectStatus()
        .isNotModified();
  }

  @Test
  void aMissingFileIsNotFound() {
    EMU.clearRequests();
    web().get().uri("/runs/acme/proj/r1/files/nope.bin").exchange().expectStatus().isNotFound();
    assertThat(EMU.requests())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.operationName()).isEqualTo("RunFiles");
              assertThat(q.variables().get("fileNames")).isEqualTo(java.util.List.of("nope.bin"));
            });
  }

  @Test
  void aClientThatDisconnectsMidwayLeavesNoLeakedBuffer() throws Exception {
    FILE.faults().throttle(2_000_000);
    try {
      Integer got =
          HttpClient.create()
              .get()
              .uri(
                  "http://127.0.0.1:"
                      + env.getProperty("local.server.port")
                      + PATH.replace(" ", "%20"))
              .responseContent()
              .take(2)
              .map(b -> b.readableBytes())
              .reduce(0, Integer::sum)
              .block(Duration.ofSeconds(30));
      assertThat(got).isPositive().isLessThan(DATA.length);
    } finally {
      FILE.faults().clear();
    }
    Thread.sleep(500);
    assertThat(LeakDetection.collect()).isEmpty();
  }

  @Test
  void metricsAppear() {
    web().get().uri(PATH).exchange().expectStatus().isOk().expectBody().returnResult();
    client.run("acme/proj/r1").files().blockLast(Duration.ofSeconds(10));
    assertThat(meters.get("wandb4j.bytes.downloaded").counter().count())
        .isGreaterThanOrEqualTo(DATA.length);
    assertThat(meters.get("wandb4j.pages.fetched").counter().count()).isPositive();
    assertThat(meters.get("wandb4j.files.listed").counter().count()).isPositive();
    assertThat(
            Metrics.globalRegistry
                .find("reactor.netty.connection.provider.total.connections")
                .tag("name", "wandb4j")
                .gauge())
        .isNotNull();
  }
}
