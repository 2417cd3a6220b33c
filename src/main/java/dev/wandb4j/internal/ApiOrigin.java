package dev.wandb4j.internal;

import java.net.URI;
import java.util.Locale;

/**
 * The origin that credentials may go to: the base URL's scheme, host, port and path prefix. A
 * request outside it (a signed storage URL, a redirect to another host, a downgrade to http)
 * carries no credentials.
 */
public final class ApiOrigin {
  private final String scheme;
  private final String host;
  private final int port;
  private final String pathPrefix;

  private ApiOrigin(String scheme, String host, int port, String pathPrefix) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.pathPrefix = pathPrefix;
  }

  /**
   * The origin of a base URL.
   *
   * @param baseUrl an absolute http or https URL without query or fragment
   * @return the origin
   */
  public static ApiOrigin of(URI baseUrl) {
    String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new ApiOrigin(
        baseUrl.getScheme().toLowerCase(Locale.ROOT),
        baseUrl.getHost().toLowerCase(Locale.ROOT),
        effectivePort(baseUrl),
        path);
  }

  static int effectivePort(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * Whether a request to this URI may carry the API key.
   *
   * @param uri an absolute URI
   * @return {@code true} only when scheme, host and port are equal and the path lies under the base
   *     path
   */
  public boolean contains(URI uri) {
    if (uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    if (!scheme.equalsIgnoreCase(uri.getScheme())
        || !host.equalsIgnoreCase(uri.getHost())
        || port != effectivePort(uri)) {
      return false;
    }
    if (pathPrefix.isEmpty()) {
      return true;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return path.equals(pathPrefix) || path.startsWith(pathPrefix + "/");
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port + pathPrefix;
  }
}
