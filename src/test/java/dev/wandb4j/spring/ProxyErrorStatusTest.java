package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.BIG_PATH;
import static dev.wandb4j.spring.SharedEmulator.EMU;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Library errors become the statuses a gateway answers with: 404 for a missing run or file, 502 for
 * an upstream failure, 503 with {@code Retry-After} when W&amp;B rate-limits; both from the proxy
 * helper and, for any other endpoint, from the starter's exception handler.
 */
class ProxyErrorStatusTest extends ProxyTestSupport {
  @Test
  void aMissingFileIsNotFound() {
    byte[] body =
        web()
            .get()
            .uri("/runs/acme/proj/r1/files/nope.bin")
            .exchange()
            .expectStatus()
            .isNotFound()
            .expectHeader()
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .returnResult()
            .getResponseBody();
    JsonNode problem = json(body);
    assertThat(problem.get("status").asInt()).isEqualTo(404);
    assertThat(problem.get("title").asText()).isEqualTo("Not Found");
    assertThat(problem.get("instance").asText()).isEqualTo("/runs/acme/proj/r1/files/nope.bin");
    assertThat(SharedEmulator.fileRequests()).isZero();
  }

  @Test
  void aMissingRunIsNotFound() {
    web()
        .get()
        .uri("/runs/acme/proj/nosuchrun/files/a.bin")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .returnResult();
  }

  @Test
  void aMissingRunIsNotFoundAtAnyEndpoint() {
    web()
        .get()
        .uri("/runs/acme/proj/nosuchrun/count")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .returnResult();
  }

  @Test
  void storageFailingAfterRetriesIsABadGateway() {
    BIG.faults().failNext(3, 500);
    byte[] body =
        web()
            .get()
            .uri(BIG_PATH)
            .exchange()
            .expectStatus()
            .isEqualTo(502)
            .expectHeader()
            .doesNotExist(HttpHeaders.ETAG)
            .expectHeader()
            .doesNotExist(HttpHeaders.CONTENT_DISPOSITION)
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(json(body).get("status").asInt()).isEqualTo(502);
    assertThat(SharedEmulator.fileRequests()).isEqualTo(3);
  }

  @Test
  void rateLimitingIsServiceUnavailableWithRetryAfter() {
    EMU.faults().failNext(3, 429, Duration.ofSeconds(7));
    web()
        .get()
        .uri(BIG_PATH)
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "7")
        .expectBody()
        .returnResult();
    assertThat(EMU.requests()).hasSize(3);
  }

  @Test
  void rateLimitingAtAnyEndpointIsServiceUnavailableWithRetryAfter() {
    EMU.faults().failNext(3, 429, Duration.ofSeconds(4));
    web()
        .get()
        .uri("/runs/acme/proj/r1/count")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "4")
        .expectBody()
        .returnResult();
  }

  @Test
  void errorBodiesCarryNeitherTheKeyNorUpstreamAddresses() {
    BIG.faults().failNext(3, 500);
    String body =
        web()
            .get()
            .uri(BIG_PATH)
            .exchange()
            .expectStatus()
            .isEqualTo(502)
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(body).doesNotContain(EMU.apiKey()).doesNotContain(EMU.storageUrl());
  }
}
