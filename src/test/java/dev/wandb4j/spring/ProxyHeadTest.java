package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.BIG_PATH;
import static dev.wandb4j.spring.SharedEmulator.DATA;
import static dev.wandb4j.spring.SharedEmulator.EMU;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** HEAD answers the headers of a GET from the file's listing, without touching storage. */
class ProxyHeadTest extends ProxyTestSupport {
  @Autowired MeterRegistry meters;

  @Test
  void headAnswersLengthEtagLastModifiedAndRangesWithoutRequestingStorage() {
    double before = received();
    EntityExchangeResult<byte[]> result =
        web().head().uri(BIG_PATH).exchange().expectStatus().isOk().expectBody().returnResult();

    HttpHeaders h = result.getResponseHeaders();
    assertThat(h.getContentLength()).isEqualTo(DATA.length);
    assertThat(h.getETag()).isEqualTo("\"" + BIG.md5() + "\"");
    assertThat(h.getFirst(HttpHeaders.LAST_MODIFIED))
        .isEqualTo(
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(
                    BIG.updatedAt().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)));
    assertThat(h.getFirst(HttpHeaders.ACCEPT_RANGES)).isEqualTo("bytes");
    assertThat(result.getResponseBody()).isNullOrEmpty();

    assertThat(EMU.requests())
        .as("only the listing lookup; neither the file URL nor storage")
        .singleElement()
        .satisfies(r -> assertThat(r.operationName()).isEqualTo("RunFiles"));
    assertThat(received()).isEqualTo(before);
  }

  @Test
  void headIgnoresRange() {
    web()
        .head()
        .uri(BIG_PATH)
        .header(HttpHeaders.RANGE, "bytes=0-9")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentLength(DATA.length);
    assertThat(SharedEmulator.fileRequests()).isZero();
  }

  private double received() {
    return Search.in(meters).name(n -> n.startsWith("wandb4j.")).counters().stream()
        .filter(c -> c.getId().getBaseUnit() != null)
        .mapToDouble(c -> c.count())
        .sum();
  }
}
