package dev.wandb4j.internal;

import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which proxy, if any, a request goes through: set on the builder, else from the environment that
 * W&amp;B's SDK and curl read ({@code https_proxy}, {@code http_proxy}, {@code no_proxy}, either
 * case), else from the JVM's proxy properties. Immutable.
 */
public final class Proxies {
  /** No proxy for any request. */
  public static final Proxies NONE = new Proxies(null, null, List.of(), null);

  private final Route https;
  private final Route http;
  private final List<String> noProxy;
  private final Pattern jvmNonProxy;

  private Proxies(Route https, Route http, List<String> noProxy, Pattern jvmNonProxy) {
    this.https = https;
    this.http = http;
    this.noProxy = noProxy;
    this.jvmNonProxy = jvmNonProxy;
  }

  /**
   * One proxy for every request, but those to the hosts listed.
   *
   * @param route the proxy
   * @param nonProxyHosts hosts reached directly, in {@code NO_PROXY}'s syntax
   * @return the rules
   */
  public static Proxies of(Route route, List<String> nonProxyHosts) {
    return new Proxies(route, route, normalize(nonProxyHosts), null);
  }

  /**
   * The proxies the environment and the JVM's properties name.
   *
   * @param env reads an environment variable (or returns {@code null})
   * @param props reads a system property (or returns {@code null})
   * @return the rules; {@link #NONE} when nothing is set
   */
  public static Proxies fromEnvironment(
      Function<String, String> env, Function<String, String> props) {
    String httpsUrl = either(env, "https_proxy");
    String httpUrl = either(env, "http_proxy");
    if (httpsUrl != null || httpUrl != null) {
      String no = either(env, "no_proxy");
      List<String> hosts = new ArrayList<>();
      if (no != null) {
        for (String h : no.split(",")) {
          hosts.add(h);
        }
      }
      return new Proxies(
          httpsUrl == null ? null : Route.parse(httpsUrl, "HTTPS_PROXY"),
          httpUrl == null ? null : Route.parse(httpUrl, "HTTP_PROXY"),
          normalize(hosts),
          null);
    }
    Route https = fromProperties(props, "https", 443);
    Route http = fromProperties(props, "http", 80);
    if (https == null && http == null) {
      return NONE;
    }
    String pattern = props.apply("http.nonProxyHosts");
    return new Proxies(
        https,
        http,
        List.of(),
        jvmPattern(pattern == null ? "localhost|127.*|[::1]|0.0.0.0|[::0]" : pattern));
  }

  private static String either(Function<String, String> env, String lower) {
    String v = env.apply(lower);
    if (v == null || v.isBlank()) {
      v = env.apply(lower.toUpperCase(Locale.ROOT));
    }
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static Route fromProperties(Function<String, String> props, String scheme, int port) {
    String host = props.apply(scheme + ".proxyHost");
    if (host == null || host.isBlank()) {
      return null;
    }
    String p = props.apply(scheme + ".proxyPort");
    int number = port;
    if (p != null && !p.isBlank()) {
      try {
        number = Integer.parseInt(p.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "The JVM property " + scheme + ".proxyPort is not a port number: " + p);
      }
    }
    return new Route(host.strip(), number, null, null);
  }

  /**
   * The proxy a request to this URI goes through.
   *
   * @param uri an absolute http(s) URI
   * @return the proxy, or {@code null} to connect directly
   */
  public Route forUri(URI uri) {
    Route route = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
    if (route == null) {
      return null;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = ApiOrigin.effectivePort(uri);
    if (jvmNonProxy != null && jvmNonProxy.matcher(host).matches()) {
      return null;
    }
    for (String entry : noProxy) {
      if (bypasses(entry, host, port)) {
        return null;
      }
    }
    return route;
  }

  private static List<String> normalize(List<String> hosts) {
    List<String> out = new ArrayList<>();
    for (String h : hosts) {
      String e = h.strip().toLowerCase(Locale.ROOT);
      if (e.startsWith("*.")) {
        e = e.substring(2);
      } else if (e.startsWith(".")) {
        e = e.substring(1);
      }
      if (!e.isEmpty()) {
        out.add(e);
      }
    }
    return List.copyOf(out);
  }

  static boolean bypasses(String entry, String host, int port) {
    if (entry.equals("*")) {
      return true;
    }
    String name = entry;
    int entryPort = -1;
    int colon = entry.lastIndexOf(':');
    if (colon > 0 && entry.indexOf(':') == colon && !entry.contains("/")) {
      try {
        entryPort = Integer.parseInt(entry.substring(colon + 1));
        name = entry.substring(0, colon);
      } catch (NumberFormatException notAPort) {
        return false;
      }
    }
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (entryPort != -1 && entryPort != port) {
      return false;
    }
    int slash = name.indexOf('/');
    if (slash > 0) {
      return inRange(name.substring(0, slash), name.substring(slash + 1), host);
    }
    return host.equals(name) || host.endsWith("." + name);
  }

  private static boolean inRange(String network, String bits, String host) {
    byte[] net = NetUtil.createByteArrayFromIpAddressString(network);
    byte[] addr = NetUtil.createByteArrayFromIpAddressString(host);
    if (net == null || addr == null || net.length != addr.length) {
      return false;
    }
    int prefix;
    try {
      prefix = Integer.parseInt(bits);
    } catch (NumberFormatException e) {
      return false;
    }
    for (int i = 0; i < net.length && prefix > 0; i++, prefix -= 8) {
      int mask = prefix >= 8 ? 0xff : (0xff << (8 - prefix)) & 0xff;
      if ((net[i] & mask) != (addr[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The JVM's {@code http.nonProxyHosts}: patterns separated by {@code |}, {@code *} wildcards. */
  private static Pattern jvmPattern(String hosts) {
    StringBuilder sb = new StringBuilder();
    for (String h : hosts.split("\\|")) {
      String e = h.strip().toLowerCase(Locale.ROOT);
      if (e.startsWith("[") && e.endsWith("]")) {
        e = e.substring(1, e.length() - 1);
      }
      if (e.isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('|');
      }
      sb.append(Pattern.quote(e).replace("*", "\\E.*\\Q"));
    }
    return Pattern.compile(sb.length() == 0 ? "(?!)" : sb.toString());
  }

  /**
   * One HTTP proxy: where it is and what it asks for.
   *
   * @param host the proxy's host
   * @param port its port
   * @param username the user, or {@code null}
   * @param password the password, or {@code null}
   */
  public record Route(String host, int port, String username, String password) {
    /** Parses {@code [http://][user:password@]host[:port]}; the port defaults to 80. */
    static Route parse(String url, String variable) {
      String s = url.contains("://") ? url : "http://" + url;
      URI uri;
      try {
        uri = URI.create(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            variable + " is not a proxy URL such as http://host:3128");
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            variable
                + " must name an HTTP proxy such as http://host:3128"
                + (scheme.equals("http") ? "" : " (" + scheme + " proxies are not supported)"));
      }
      String user = null;
      String password = null;
      String info = uri.getRawUserInfo();
      if (info != null) {
        int colon = info.indexOf(':');
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? "" : decode(info.substring(colon + 1));
      }
      return new Route(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort(), user, password);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
      return "http://" + (username == null ? "" : username + ":***@") + host + ":" + port;
    }
  }
}
