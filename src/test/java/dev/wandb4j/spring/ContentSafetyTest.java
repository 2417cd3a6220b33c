package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.PAGE_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * An uploader chooses a file's type: the proxy never lets a browser sniff it, and serves anything
 * not on the short list of safe types as an attachment, so a run's HTML cannot run as a page of the
 * application's origin.
 */
class ContentSafetyTest extends ProxyTestSupport {
  private EntityExchangeResult<byte[]> get(String name) {
    return web()
        .get()
        .uri("/runs/acme/proj/r1/files/" + name)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("X-Content-Type-Options", "nosniff")
        .expectBody()
        .returnResult();
  }

  private static ContentDisposition disposition(EntityExchangeResult<?> r) {
    return r.getResponseHeaders().getContentDisposition();
  }

  @Test
  void htmlIsAnAttachment() {
    EntityExchangeResult<byte[]> r = get("media/page.html");
    assertThat(disposition(r).isAttachment()).isTrue();
    assertThat(disposition(r).getFilename()).isEqualTo("page.html");
    assertThat(r.getResponseBody()).isEqualTo(PAGE_BYTES);
  }

  @Test
  void svgIsAnAttachmentThoughItIsAnImage() {
    assertThat(disposition(get("media/logo.svg")).isAttachment()).isTrue();
  }

  @Test
  void anUnknownTypeIsAnAttachment() {
    assertThat(disposition(get("media/big file.bin")).isAttachment()).isTrue();
  }

  @Test
  void imagesAndPlainTextAreShownInline() {
    assertThat(disposition(get("media/a.png")).isInline()).isTrue();
    EntityExchangeResult<byte[]> text = get("logs/output.txt");
    assertThat(disposition(text).isInline()).isTrue();
    assertThat(text.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE))
        .startsWith("text/plain");
  }
}
