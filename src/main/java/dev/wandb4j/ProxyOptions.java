package dev.wandb4j;

import java.util.List;
import java.util.Objects;

/**
 * An HTTP proxy for the client's connections: every request to a host it does not exempt goes
 * through the proxy, in a tunnel ({@code CONNECT}), so TLS runs end to end between the client and
 * the server and the proxy sees neither the API key nor the signed URLs.
 *
 * <pre>{@code
 * WandbClient.builder()
 *     .proxy(ProxyOptions.http("proxy.example.com", 3128)
 *         .credentials("user", System.getenv("PROXY_PASSWORD"))
 *         .nonProxyHosts(List.of("localhost", ".internal.example.com")))
 *     .build();
 * }</pre>
 *
 * <p>Without {@link WandbClient.Builder#proxy(ProxyOptions)}, the client takes its proxy from the
 * environment, as W&amp;B's own SDK does: {@code HTTPS_PROXY} for https URLs and {@code HTTP_PROXY}
 * for http ones (either case; the lower-case one first), {@code NO_PROXY} for the hosts to reach
 * directly; else from the JVM's {@code https.proxyHost}, {@code http.proxyHost} and {@code
 * http.nonProxyHosts} properties. {@link #NONE} turns proxies off whatever the environment says.
 * Immutable.
 */
public final class ProxyOptions {
  /** No proxy, whatever the environment or the JVM's properties say. */
  public static final ProxyOptions NONE = new ProxyOptions(null, 0, null, null, List.of());

  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private final List<String> nonProxyHosts;

  private ProxyOptions(
      String host, int port, String username, String password, List<String> nonProxyHosts) {
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
    this.nonProxyHosts = nonProxyHosts;
  }

  /**
   * An HTTP proxy, without credentials and for every host.
   *
   * @param host the proxy's host name or address
   * @param port the proxy's port, 1 to 65535
   * @return the options
   */
  public static ProxyOptions http(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("The proxy host is blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("The proxy port must be between 1 and 65535: " + port);
    }
    return new ProxyOptions(host.strip(), port, null, null, List.of());
  }

  /**
   * The same proxy, with the user and password it asks for ({@code Proxy-Authorization: Basic},
   * sent to the proxy only).
   *
   * @param username the user
   * @param password the password
   * @return new options
   */
  public ProxyOptions credentials(String username, String password) {
    requireProxy();
    return new ProxyOptions(
        host,
        port,
        Objects.requireNonNull(username, "username"),
        Objects.requireNonNull(password, "password"),
        nonProxyHosts);
  }

  /**
   * The same proxy, with hosts reached directly, written as in {@code NO_PROXY}: a host name
   * matches itself and its subdomains ({@code example.com} and {@code .example.com} both match
   * {@code api.example.com}), {@code host:port} matches that port only, an address range is written
   * {@code 10.0.0.0/8}, and {@code *} matches every host.
   *
   * @param hosts the hosts
   * @return new options
   */
  public ProxyOptions nonProxyHosts(List<String> hosts) {
    requireProxy();
    return new ProxyOptions(host, port, username, password, List.copyOf(hosts));
  }

  private void requireProxy() {
    if (host == null) {
      throw new IllegalStateException("ProxyOptions.NONE takes no settings");
    }
  }

  /**
   * The proxy's host, or {@code null} for {@link #NONE}.
   *
   * @return the host
   */
  public String host() {
    return host;
  }

  /**
   * The proxy's port, or 0 for {@link #NONE}.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The user sent to the proxy, or {@code null}.
   *
   * @return the user
   */
  public String username() {
    return username;
  }

  String password() {
    return password;
  }

  /**
   * The hosts reached directly.
   *
   * @return the hosts, as given
   */
  public List<String> nonProxyHosts() {
    return nonProxyHosts;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    if (host == null) {
      return "ProxyOptions.NONE";
    }
    return "ProxyOptions{http://"
        + (username == null ? "" : username + ":***@")
        + host
        + ":"
        + port
        + (nonProxyHosts.isEmpty() ? "" : ", nonProxyHosts=" + nonProxyHosts)
        + "}";
  }
}
