package dev.wandb4j.spring;

import dev.wandb4j.File;
import dev.wandb4j.internal.ByteRanges;
import io.netty.buffer.ByteBuf;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams a W&amp;B file as a WebFlux response without copying it: the Netty buffers from {@link
 * File#content()} are wrapped, not copied, when the server runs on Reactor Netty. Sets {@code
 * Content-Type} from the mimetype, {@code Content-Length} from the size and {@code ETag} from the
 * MD5, answers {@code If-None-Match} with 304, and serves a single {@code Range} (honouring {@code
 * If-Range}) by asking W&amp;B's storage for just those bytes. A client that disconnects cancels
 * the download, and every buffer is released.
 *
 * <pre>{@code
 * @GetMapping("/checkpoints/{name}")
 * Mono<Void> checkpoint(@PathVariable String name, ServerWebExchange exchange) {
 *   return wandb.run("acme/vision/1x2y3z").file("checkpoints/" + name)
 *       .flatMap(file -> WandbFileResponses.write(file, exchange));
 * }
 * }</pre>
 */
public final class WandbFileResponses {
  private WandbFileResponses() {}

  /**
   * Writes the file, or the requested range of it, as the exchange's response.
   *
   * @param file the file
   * @param exchange the exchange to answer
   * @return completes when the response is written
   */
  public static Mono<Void> write(File file, ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders headers = response.getHeaders();
    long size = file.size();
    String etag = file.md5() == null ? null : "\"" + file.md5() + "\"";
    headers.setContentType(mediaType(file.mimetype()));
    headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
    if (etag != null) {
      headers.setETag(etag);
    }
    if (file.updatedAt() != null) {
      headers.setLastModified(file.updatedAt());
    }
    if (etag != null && etag.equals(request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(HttpStatus.NOT_MODIFIED);
      return response.setComplete();
    }
    String range = request.getHeaders().getFirst(HttpHeaders.RANGE);
    String ifRange = request.getHeaders().getFirst(HttpHeaders.IF_RANGE);
    if (range != null && (ifRange == null || ifRange.equals(etag))) {
      long[] r = ByteRanges.parse(range, size);
      if (r == null) {
        response.setStatusCode(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
        return response.setComplete();
      }
      long length = r[1] - r[0] + 1;
      response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
      headers.setContentLength(length);
      return response.writeWith(wrap(file.content(r[0], length), response.bufferFactory()));
    }
    headers.setContentLength(size);
    return response.writeWith(wrap(file.content(), response.bufferFactory()));
  }

  /** Wraps Netty buffers without a copy on Reactor Netty; copies (and releases) elsewhere. */
  static Flux<DataBuffer> wrap(Flux<ByteBuf> body, DataBufferFactory factory) {
    if (factory instanceof NettyDataBufferFactory) {
      NettyDataBufferFactory netty = (NettyDataBufferFactory) factory;
      return body.map(netty::wrap);
    }
    return body.map(
        buf -> {
          try {
            DataBuffer copy = factory.allocateBuffer(buf.readableBytes());
            copy.write(buf.nioBuffer());
            return copy;
          } finally {
            buf.release();
          }
        });
  }

  private static MediaType mediaType(String mimetype) {
    if (mimetype == null || mimetype.isBlank()) {
      return MediaType.APPLICATION_OCTET_STREAM;
    }
    try {
      return MediaType.parseMediaType(mimetype);
    } catch (RuntimeException e) {
      return MediaType.APPLICATION_OCTET_STREAM;
    }
  }
}
