package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.BIG_PATH;
import static dev.wandb4j.spring.SharedEmulator.DATA;
import static dev.wandb4j.spring.SharedEmulator.EMU;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** RFC 9110 ranges: one range, several ranges, units the proxy does not know, If-Range. */
class RangeRequestTest extends ProxyTestSupport {
  private EntityExchangeResult<byte[]> get(String header, String value) {
    return web().get().uri(BIG_PATH).header(header, value).exchange().expectBody().returnResult();
  }

  private long storageRanges(String range) {
    return EMU.requests().stream()
        .filter(r -> r.server().equals("storage"))
        .map(RecordedRequest::range)
        .filter(range::equals)
        .count();
  }

  @Test
  void oneRangeIsPassedThrough() {
    EntityExchangeResult<byte[]> r = get(HttpHeaders.RANGE, "bytes=1000-1999");
    assertThat(r.getStatus()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
    assertThat(r.getResponseBody()).isEqualTo(Arrays.copyOfRange(DATA, 1000, 2000));
    assertThat(r.getResponseHeaders().getFirst(HttpHeaders.CONTENT_RANGE))
        .isEqualTo("bytes 1000-1999/" + DATA.length);
    assertThat(SharedEmulator.storageRequests()).isEqualTo(1);
    assertThat(storageRanges("bytes=1000-1999")).isEqualTo(1);
  }

  @Test
  void aSuffixRangeIsTheEndOfTheFile() {
    EntityExchangeResult<byte[]> r = get(HttpHeaders.RANGE, "bytes=-100");
    assertThat(r.getStatus()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
    assertThat(r.getResponseBody())
        .isEqualTo(Arrays.copyOfRange(DATA, DATA.length - 100, DATA.length));
  }

  @Test
  void anUnknownUnitIsIgnored() {
    EntityExchangeResult<byte[]> r = get(HttpHeaders.RANGE, "items=0-1");
    assertThat(r.getStatus()).isEqualTo(HttpStatus.OK);
    assertThat(r.getResponseBody()).isEqualTo(DATA);
  }

  @Test
  void aMalformedRangeIsIgnored() {
    EntityExchangeResult<byte[]> r = get(HttpHeaders.RANGE, "bytes=five-six");
    assertThat(r.getStatus()).isEqualTo(HttpStatus.OK);
    assertThat(r.getResponseBody()).isEqualTo(DATA);
  }

  @Test
  void anUnsatisfiableRangeIsRefusedWithTheSize() {
    web()
        .get()
        .uri(BIG_PATH)
        .header(HttpHeaders.RANGE, "bytes=9999999-")
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        .expectHeader()
        .valueEquals(HttpHeaders.CONTENT_RANGE, "bytes */" + DATA.length);
    assertThat(SharedEmulator.fileRequests()).isZero();
  }

  @Test
  void severalRangesAreAnsweredAsMultipartByteranges() {
    EntityExchangeResult<byte[]> r = get(HttpHeaders.RANGE, "bytes=0-0,5-6");
    assertThat(r.getStatus()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
    MediaType type = r.getResponseHeaders().getContentType();
    assertThat(type).isNotNull();
    assertThat(type.isCompatibleWith(MediaType.parseMediaType("multipart/byteranges"))).isTrue();
    String boundary = type.getParameter("boundary");
    byte[] expected =
        concat(
            "\r\n--" + boundary + "\r\n",
            "Content-Type: application/octet-stream\r\n",
            "Content-Range: bytes 0-0/" + DATA.length + "\r\n\r\n",
            Arrays.copyOfRange(DATA, 0, 1),
            "\r\n--" + boundary + "\r\n",
            "Content-Type: application/octet-stream\r\n",
            "Content-Range: bytes 5-6/" + DATA.length + "\r\n\r\n",
            Arrays.copyOfRange(DATA, 5, 7),
            "\r\n--" + boundary + "--\r\n");
    assertThat(r.getResponseBody()).isEqualTo(expected);
    assertThat(r.getResponseHeaders().getContentLength()).isEqualTo(expected.length);
    assertThat(storageRanges("bytes=0-0")).isEqualTo(1);
    assertThat(storageRanges("bytes=5-6")).isEqualTo(1);
  }

  @Test
  void ifRangeWithTheCurrentTagServesTheRange() {
    EntityExchangeResult<byte[]> r =
        web()
            .get()
            .uri(BIG_PATH)
            .header(HttpHeaders.RANGE, "bytes=10-19")
            .header(HttpHeaders.IF_RANGE, "\"" + BIG.md5() + "\"")
            .exchange()
            .expectBody()
            .returnResult();
    assertThat(r.getStatus()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
    assertThat(r.getResponseBody()).isEqualTo(Arrays.copyOfRange(DATA, 10, 20));
  }

  @Test
  void ifRangeWithAnotherOrWeakTagServesTheWholeFile() {
    for (String tag : new String[] {"\"old\"", "W/\"" + BIG.md5() + "\""}) {
      EntityExchangeResult<byte[]> r =
          web()
              .get()
              .uri(BIG_PATH)
              .header(HttpHeaders.RANGE, "bytes=10-19")
              .header(HttpHeaders.IF_RANGE, tag)
              .exchange()
              .expectBody()
              .returnResult();
      assertThat(r.getStatus()).as(tag).isEqualTo(HttpStatus.OK);
      assertThat(r.getResponseBody()).as(tag).isEqualTo(DATA);
    }
  }

  private static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      byte[] b =
          p instanceof String ? ((String) p).getBytes(StandardCharsets.US_ASCII) : (byte[]) p;
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }
}
