package dev.wandb4j.spring;

import dev.wandb4j.File;
import dev.wandb4j.error.WandbNotFoundException;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Answers a WebFlux request with a W&amp;B file, streamed without a copy: the Netty buffers of
 * {@link File#content()} are wrapped, not copied, when the server runs on Reactor Netty, and each
 * response holds about a megabyte of them whatever the client's speed. The auto-configuration
 * provides one as a bean, configured by {@code wandb.proxy.*}.
 *
 * <ul>
 *   <li>Headers from the listing: {@code Content-Length}, {@code ETag} (the MD5), {@code
 *       Last-Modified}, {@code Accept-Ranges: bytes}. {@code HEAD} is answered with them alone,
 *       without a request to storage.
 *   <li>Preconditions as RFC 9110 orders them, by Spring's {@link
 *       ServerWebExchange#checkNotModified(String, Instant)}: {@code If-None-Match} (weak
 *       comparison, lists, {@code *}) and {@code If-Modified-Since} give 304.
 *   <li>Ranges parsed by Spring's {@link HttpRange}: one range is a 206 fetched from storage as
 *       that range; several are a {@code multipart/byteranges} 206, one storage request per part;
 *       {@code If-Range} must match the strong ETag or the exact date. A range with an unknown
 *       unit, a malformed one, more than {@value #MAX_PARTS} parts or parts that add up to the
 *       whole file is ignored, and the whole file is sent; a range that starts past the end is a
 *       416.
 *   <li>Safety: {@code X-Content-Type-Options: nosniff} always; {@code Content-Disposition:
 *       attachment} unless the type is one of the inline types ({@link #DEFAULT_INLINE_TYPES} by
 *       default), so that an uploaded HTML or SVG file never runs as a page of the application.
 *   <li>Errors before the first byte are answered with {@link WandbErrorStatus}'s status and an RFC
 *       9457 problem body (404 for a missing run or file, 502, 503 with {@code Retry-After}, 504);
 *       after it, the connection is closed, as the length cannot be met.
 * </ul>
 *
 * <pre>{@code
 * @GetMapping("/checkpoints/{name}")
 * Mono<Void> checkpoint(@PathVariable String name, ServerWebExchange exchange) {
 *   return files.write(wandb.run("acme/vision/1x2y3z").file("checkpoints/" + name), exchange);
 * }
 * }</pre>
 */
public final class WandbFileResponses {
  /**
   * The types served inline by default: common images, video, audio, plain text and JSON. A
   * wildcard never covers a type that can carry script (SVG, HTML, XML).
   */
  public static final List<String> DEFAULT_INLINE_TYPES =
      List.of(
          "image/*",
          "video/*",
          "audio/*",
          MediaType.TEXT_PLAIN_VALUE,
          MediaType.APPLICATION_JSON_VALUE);

  /** The most parts a {@code multipart/byteranges} answer has: {@value}. */
  public static final int MAX_PARTS = 16;

  private static final String NOSNIFF = "X-Content-Type-Options";

  /** What an error answer must not keep of the file's headers, in lower case. */
  private static final Set<String> FILE_HEADERS =
      Set.of(
          "etag",
          "last-modified",
          "accept-ranges",
          "content-range",
          "content-disposition",
          "content-type",
          "content-length");

  private final List<MimeType> inlineTypes;
  private final WandbErrorStatus statuses;

  private WandbFileResponses(List<MimeType> inlineTypes, WandbErrorStatus statuses) {
    this.inlineTypes = List.copyOf(inlineTypes);
    this.statuses = statuses;
  }

  /**
   * Responses with the default inline types and error statuses.
   *
   * @return the responses
   */
  public static WandbFileResponses create() {
    return new WandbFileResponses(parse(DEFAULT_INLINE_TYPES), WandbErrorStatus.defaults());
  }

  /**
   * Responses with other inline types or error statuses.
   *
   * @param inlineTypes the media types served inline, e.g. {@code image/*}; all others are
   *     attachments
   * @param statuses the status for each error
   * @return the responses
   */
  public static WandbFileResponses of(List<String> inlineTypes, WandbErrorStatus statuses) {
    return new WandbFileResponses(parse(inlineTypes), Objects.requireNonNull(statuses, "statuses"));
  }

  private static List<MimeType> parse(List<String> types) {
    List<MimeType> parsed = new ArrayList<>();
    for (String t : types) {
      parsed.add(MimeTypeUtils.parseMimeType(t));
    }
    return parsed;
  }

  /**
   * Answers with the file the publisher gives, or with the error it ends with.
   *
   * @param file the file, typically {@code run.file(name)}; its lookup errors are answered too
   * @param exchange the exchange to answer
   * @return completes when the response is written
   */
  public Mono<Void> write(Mono<File> file, ServerWebExchange exchange) {
    return file.switchIfEmpty(
            Mono.error(() -> new WandbNotFoundException("No file to answer with")))
        .flatMap(f -> respond(f, exchange))
        .onErrorResume(e -> failed(e, exchange));
  }

  /**
   * Answers with the file, or the requested part of it.
   *
   * @param file the file
   * @param exchange the exchange to answer
   * @return completes when the response is written
   */
  public Mono<Void> write(File file, ServerWebExchange exchange) {
    return write(Mono.just(file), exchange);
  }

  private Mono<Void> failed(Throwable e, ServerWebExchange exchange) {
    ServerHttpResponse response = exchange.getResponse();
    if (!response.isCommitted()) {
      // Through headerSet(): HttpHeaders.remove is remove(Object) in Spring 6 and remove(String)
      // in Spring 7, so a call compiled against one fails on the other.
      response
          .getHeaders()
          .headerSet()
          .removeIf(h -> FILE_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)));
    }
    Mono<Void> answer = WandbExceptionHandler.answer(exchange, e, statuses);
    return answer == null ? Mono.error(e) : answer;
  }

  private Mono<Void> respond(File file, ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders headers = response.getHeaders();
    String etag = file.md5() == null || file.md5().isBlank() ? null : "\"" + file.md5() + "\"";
    Instant lastModified = file.updatedAt();
    headers.set(NOSNIFF, "nosniff");
    headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
    if (etag != null) {
      headers.setETag(etag);
    }
    if (lastModified != null) {
      headers.setLastModified(lastModified);
    }
    if (anyTagMatches(request)) {
      response.setStatusCode(HttpStatus.NOT_MODIFIED);
      return response.setComplete();
    }
    if (exchange.checkNotModified(etag, lastModified == null ? Instant.MIN : lastModified)) {
      return response.setComplete();
    }
    long size = file.size();
    boolean head = HttpMethod.HEAD.equals(request.getMethod());
    List<long[]> ranges = head ? null : ranges(request, etag, lastModified, size);
    if (ranges != null && ranges.isEmpty()) {
      response.setStatusCode(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      return response.setComplete();
    }
    MediaType type = mediaType(file.mimetype());
    headers.setContentDisposition(disposition(file.name(), type));
    DataBufferFactory factory = response.bufferFactory();
    if (ranges == null) {
      headers.setContentType(type);
      headers.setContentLength(size);
      return head ? response.setComplete() : response.writeWith(wrap(file.content(), factory));
    }
    response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
    if (ranges.size() == 1) {
      long[] r = ranges.get(0);
      headers.setContentType(type);
      headers.set(HttpHeaders.CONTENT_RANGE, contentRange(r, size));
      headers.setContentLength(r[1] - r[0] + 1);
      return response.writeWith(wrap(file.content(r[0], r[1] - r[0] + 1), factory));
    }
    return multipart(file, type, ranges, response);
  }

  /**
   * {@code If-None-Match: *}: the file exists, so a GET or HEAD is answered 304. Spring's {@code
   * checkNotModified} leaves the wildcard to unsafe methods.
   */
  private static boolean anyTagMatches(ServerHttpRequest request) {
    String value = request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH);
    return value != null && value.strip().equals("*");
  }

  /**
   * The ranges to send: {@code null} for the whole file, an empty list when none can be satisfied.
   */
  static List<long[]> ranges(
      ServerHttpRequest request, String etag, Instant lastModified, long size) {
    String header = request.getHeaders().getFirst(HttpHeaders.RANGE);
    if (header == null || !ifRangeHolds(request, etag, lastModified)) {
      return null;
    }
    List<HttpRange> parsed;
    try {
      parsed = HttpRange.parseRanges(header.strip());
    } catch (IllegalArgumentException unknownUnitOrMalformed) {
      return null;
    }
    List<long[]> satisfiable = new ArrayList<>();
    long total = 0;
    for (HttpRange r : parsed) {
      long start = r.getRangeStart(size);
      long end = r.getRangeEnd(size);
      if (start < size && start <= end) {
        satisfiable.add(new long[] {start, end});
        total += end - start + 1;
      }
    }
    if (parsed.isEmpty()) {
      return null;
    }
    if (satisfiable.size() > MAX_PARTS || satisfiable.size() > 1 && total >= size) {
      return null;
    }
    return satisfiable;
  }

  /** {@code If-Range}: a strong ETag equal to the file's, or its exact modification date. */
  static boolean ifRangeHolds(ServerHttpRequest request, String etag, Instant lastModified) {
    String value = request.getHeaders().getFirst(HttpHeaders.IF_RANGE);
    if (value == null) {
      return true;
    }
    String v = value.strip();
    if (v.startsWith("W/")) {
      return false;
    }
    if (v.startsWith("\"")) {
      return v.equals(etag);
    }
    try {
      Instant date = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return lastModified != null && date.getEpochSecond() == lastModified.getEpochSecond();
    } catch (DateTimeParseException notADate) {
      return false;
    }
  }

  private static Mono<Void> multipart(
      File file, MediaType type, List<long[]> ranges, ServerHttpResponse response) {
    String boundary = MimeTypeUtils.generateMultipartBoundaryString();
    DataBufferFactory factory = response.bufferFactory();
    long size = file.size();
    List<Flux<DataBuffer>> parts = new ArrayList<>();
    long length = 0;
    for (long[] r : ranges) {
      byte[] head =
          ("\r\n--"
                  + boundary
                  + "\r\nContent-Type: "
                  + type
                  + "\r\nContent-Range: "
                  + contentRange(r, size)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      length += head.length + r[1] - r[0] + 1;
      parts.add(Flux.defer(() -> Flux.just(factory.wrap(head))));
      parts.add(wrap(file.content(r[0], r[1] - r[0] + 1), factory));
    }
    byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    length += end.length;
    parts.add(Flux.defer(() -> Flux.just(factory.wrap(end))));
    HttpHeaders headers = response.getHeaders();
    headers.setContentType(MediaType.parseMediaType("multipart/byteranges; boundary=" + boundary));
    headers.setContentLength(length);
    return response.writeWith(Flux.concat(parts));
  }

  private static String contentRange(long[] r, long size) {
    return "bytes " + r[0] + "-" + r[1] + "/" + size;
  }

  /** Inline for a type on the list, an attachment otherwise; named after the file either way. */
  ContentDisposition disposition(String name, MediaType type) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    ContentDisposition.Builder b =
        isInline(type) ? ContentDisposition.inline() : ContentDisposition.attachment();
    return b.filename(base, StandardCharsets.UTF_8).build();
  }

  boolean isInline(MediaType type) {
    for (MimeType allowed : inlineTypes) {
      if (allowed.equalsTypeAndSubtype(type)) {
        return true;
      }
      if (allowed.includes(type) && !carriesScript(type)) {
        return true;
      }
    }
    return false;
  }

  /** HTML, SVG and other XML: types a browser may run script from. */
  static boolean carriesScript(MimeType type) {
    String sub = type.getSubtype().toLowerCase(Locale.ROOT);
    return sub.contains("html") || sub.contains("xml") || sub.contains("svg");
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
