package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.BIG_PATH;
import static dev.wandb4j.spring.SharedEmulator.DATA;
import static dev.wandb4j.spring.SharedEmulator.EMU;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.WandbClient;
import dev.wandb4j.testing.LeakDetection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import reactor.netty.http.client.HttpClient;

/** The README's proxy: the whole file, as storage sent it, and nothing left behind. */
class ProxyStreamingTest extends ProxyTestSupport {
  @Autowired WandbClient client;
  @Autowired WandbProperties properties;

  @Test
  void propertiesBindToTheClient() {
    assertThat(client.baseUrl().toString()).isEqualTo(EMU.baseUrl());
    assertThat(properties.getMaxRetries()).isEqualTo(2);
    assertThat(properties.getReadTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(properties.getMaxConnections()).isEqualTo(12);
    assertThat(properties.getTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theProxyStreamsTheWholeFileWithItsHeaders() {
    EntityExchangeResult<byte[]> result =
        web().get().uri(BIG_PATH).exchange().expectStatus().isOk().expectBody().returnResult();
    assertThat(result.getResponseBody()).isEqualTo(DATA);
    HttpHeaders h = result.getResponseHeaders();
    assertThat(h.getContentLength()).isEqualTo(DATA.length);
    assertThat(h.getETag()).isEqualTo("\"" + BIG.md5() + "\"");
    assertThat(h.getFirst(HttpHeaders.ACCEPT_RANGES)).isEqualTo("bytes");
    assertThat(EMU.requests().stream().filter(r -> r.server().equals("storage")))
        .singleElement()
        .satisfies(r -> assertThat(r.authorization()).isFalse());
  }

  @Test
  void aClientThatDisconnectsMidwayLeavesNoLeakedBuffer() throws Exception {
    BIG.faults().throttle(2_000_000);
    Integer got =
        HttpClient.create()
            .get()
            .uri("http://127.0.0.1:" + port() + BIG_PATH.replace(" ", "%20"))
            .responseContent()
            .take(2)
            .map(b -> b.readableBytes())
            .reduce(0, Integer::sum)
            .block(Duration.ofSeconds(30));
    assertThat(got).isPositive().isLessThan(DATA.length);
    Thread.sleep(500);
    assertThat(LeakDetection.collect()).isEmpty();
  }
}
