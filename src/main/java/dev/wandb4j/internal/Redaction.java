package dev.wandb4j.internal;

import java.net.URI;

/** Makes URIs safe to show: no query string (signed URLs keep signatures there), no user info. */
public final class Redaction {
  private Redaction() {}

  /**
   * The URI without user info, query or fragment.
   *
   * @param uri any URI
   * @return {@code scheme://host[:port]/path}
   */
  public static String uri(URI uri) {
    if (uri == null) {
      return "null";
    }
    if (uri.getHost() == null) {
      return "(invalid URL)";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(uri.getScheme()).append("://").append(uri.getHost());
    if (uri.getPort() != -1) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    return sb.toString();
  }
}
