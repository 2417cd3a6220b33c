package dev.wandb4j.internal;

import dev.wandb4j.error.WandbHttpException;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Which redirects are followed: to an absolute or relative http(s) URL, never from https down to
 * http, at most {@link #MAX_REDIRECTS} hops. A refused one is a {@link WandbHttpException} that
 * names the URL it came from without its query.
 */
final class Redirects {
  /** Redirects followed for one request before giving up. */
  static final int MAX_REDIRECTS = 10;

  private Redirects() {}

  /**
   * Where a redirect leads.
   *
   * @param current the URI that answered with the redirect
   * @param res the answer
   * @param hop redirects followed so far
   * @param what names the resource in messages
   * @return the next URI
   * @throws WandbHttpException if the redirect is refused
   */
  static URI target(URI current, HttpClientResponse res, int hop, String what) {
    String location = res.responseHeaders().get(HttpHeaderNames.LOCATION);
    String from = Redaction.uri(current);
    int status = res.status().code();
    if (location == null || location.isBlank()) {
      throw refused(
          "Redirect without a Location header from " + from + " for " + what, status, from);
    }
    if (hop + 1 > MAX_REDIRECTS) {
      throw refused(
          "Too many redirects (more than "
              + MAX_REDIRECTS
              + ") for "
              + what
              + ", last from "
              + from,
          status,
          from);
    }
    URI next;
    try {
      next = current.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw refused("Redirect to an invalid URL from " + from + " for " + what, status, from);
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
      throw refused(
          "Refused a redirect to a non-http(s) URL from " + from + " for " + what, status, from);
    }
    if (scheme.equals("http") && "https".equalsIgnoreCase(current.getScheme())) {
      throw refused(
          "Refused a redirect from https to plain http ("
              + Redaction.uri(next)
              + ") for "
              + what
              + ": the transfer would no longer be private",
          status,
          from);
    }
    return next;
  }

  private static WandbHttpException refused(String message, int status, String from) {
    return new WandbHttpException(message, status, "GET", from, "");
  }
}
