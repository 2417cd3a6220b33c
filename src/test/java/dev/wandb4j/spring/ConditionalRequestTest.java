package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.BIG_PATH;
import static dev.wandb4j.spring.SharedEmulator.DATA;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** RFC 9110 preconditions: answered from the listing, without a request to storage. */
class ConditionalRequestTest extends ProxyTestSupport {
  private static String etag() {
    return "\"" + BIG.md5() + "\"";
  }

  private static String httpDate(long secondsFromUpdate) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(BIG.updatedAt().plusSeconds(secondsFromUpdate), ZoneOffset.UTC));
  }

  private void notModified(String header, String value) {
    web()
        .get()
        .uri(BIG_PATH)
        .header(header, value)
        .exchange()
        .expectStatus()
        .isNotModified()
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, etag())
        .expectBody()
        .isEmpty();
    assertThat(SharedEmulator.fileRequests()).as(header + ": " + value).isZero();
  }

  private void servedWhole(String header, String value) {
    byte[] body =
        web()
            .get()
            .uri(BIG_PATH)
            .header(header, value)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(body).as(header + ": " + value).isEqualTo(DATA);
  }

  @Test
  void ifNoneMatchWithTheStrongTagIsNotModified() {
    notModified(HttpHeaders.IF_NONE_MATCH, etag());
  }

  @Test
  void ifNoneMatchComparesWeakly() {
    notModified(HttpHeaders.IF_NONE_MATCH, "W/" + etag());
  }

  @Test
  void ifNoneMatchAcceptsAListOfTags() {
    notModified(HttpHeaders.IF_NONE_MATCH, "\"other\", " + etag());
  }

  @Test
  void ifNoneMatchStarIsNotModified() {
    notModified(HttpHeaders.IF_NONE_MATCH, "*");
  }

  @Test
  void ifNoneMatchWithOtherTagsServesTheFile() {
    servedWhole(HttpHeaders.IF_NONE_MATCH, "\"other\", W/\"another\"");
  }

  @Test
  void ifModifiedSinceTheLastChangeIsNotModified() {
    notModified(HttpHeaders.IF_MODIFIED_SINCE, httpDate(1));
  }

  @Test
  void ifModifiedSinceBeforeTheLastChangeServesTheFile() {
    servedWhole(HttpHeaders.IF_MODIFIED_SINCE, httpDate(-3600));
  }
}
