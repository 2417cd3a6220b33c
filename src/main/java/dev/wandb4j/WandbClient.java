package dev.wandb4j;

import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.internal.ClientCore;
import dev.wandb4j.internal.ClientSettings;
import dev.wandb4j.internal.Credentials;
import dev.wandb4j.internal.Events;
import dev.wandb4j.internal.HttpCore;
import dev.wandb4j.internal.Proxies;
import dev.wandb4j.internal.RetrySettings;
import dev.wandb4j.internal.TransferBudget;
import dev.wandb4j.internal.TransportOptions;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.net.ssl.TrustManagerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The front door: a client for one W&amp;B server and API key.
 *
 * <pre>{@code
 * try (WandbClient wandb = WandbClient.create()) {        // WANDB_BASE_URL, WANDB_API_KEY, netrc
 *   wandb.run("acme/vision/1x2y3z").files()
 *        .flatMap(f -> f.download(Path.of("downloads")), 8)
 *        .blockLast();                                     // block only at the edge
 * }
 * }</pre>
 *
 * <p>Thread-safe; create one per server and key, share it, and close it when done. Closing releases
 * the connection pool the client created; a {@link ConnectionProvider} or {@link LoopResources}
 * passed to the builder is borrowed and left open. Every publisher the client returns is cold:
 * nothing is sent until it is subscribed, and each subscription starts afresh.
 */
public final class WandbClient implements AutoCloseable {
  /** The public W&amp;B API: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.wandb.ai";

  /** How long one API request attempt may take: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** How long opening a connection may take: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a response may go without sending a byte: 60 seconds. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  /** Retries after a failed attempt: {@value}. */
  public static final int DEFAULT_MAX_RETRIES = 5;

  /** The wait before the first retry: 500 ms, doubling after each. */
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(500);

  /** The longest wait between two attempts: 30 seconds. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** The longest {@code Retry-After} honoured: 60 seconds. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Connections in the pool the client creates: {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 64;

  /** The largest GraphQL response the client reads: {@value} bytes (32 MiB). */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 32 << 20;

  /**
   * The most received bytes all of a client's downloads hold before they reach the disk: {@value}
   * bytes (64 MiB), or a quarter of the JVM's direct memory limit if that is smaller.
   */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 64L << 20;

  private final ClientCore core;
  private final Function<String, String> env;

  private WandbClient(ClientCore core, Function<String, String> env) {
    this.core = core;
    this.env = env;
  }

  /**
   * A client configured from the environment: {@code WANDB_BASE_URL} and {@code WANDB_API_KEY},
   * else the netrc entry for the API host.
   *
   * @return a new client
   * @throws dev.wandb4j.error.WandbAuthenticationException if no API key can be found
   */
  public static WandbClient create() {
    return builder().build();
  }

  /**
   * Starts configuring a client.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A handle on a run; no request is sent.
   *
   * @param path the run's path, in any form {@link RunPath#parse(String)} accepts
   * @return the run
   * @throws IllegalArgumentException if the path is malformed
   * @throws IllegalStateException if the client is closed
   */
  public Run run(String path) {
    return run(RunPath.parse(path, env.apply("WANDB_ENTITY"), env.apply("WANDB_PROJECT")));
  }

  /**
   * A handle on a run; no request is sent.
   *
   * @param path the run's path
   * @return the run
   * @throws IllegalStateException if the client is closed
   */
  public Run run(RunPath path) {
    Objects.requireNonNull(path, "path");
    core.ensureOpen();
    return new Run(path, core);
  }

  /**
   * A handle on a project; no request is sent.
   *
   * @param path the project's path, in any form {@link ProjectPath#parse(String)} accepts
   * @return the project
   * @throws IllegalArgumentException if the path is malformed
   * @throws IllegalStateException if the client is closed
   */
  public Project project(String path) {
    return project(ProjectPath.parse(path, env.apply("WANDB_ENTITY")));
  }

  /**
   * A handle on a project; no request is sent.
   *
   * @param path the project's path
   * @return the project
   * @throws IllegalStateException if the client is closed
   */
  public Project project(ProjectPath path) {
    Objects.requireNonNull(path, "path");
    core.ensureOpen();
    return new Project(path, core);
  }

  /**
   * The API base URL this client talks to.
   *
   * @return the base URL, without a trailing slash
   */
  public URI baseUrl() {
    return core.http().settings().baseUrl();
  }

  /**
   * Closes the client: requests made afterwards fail with {@link IllegalStateException}, downloads
   * in flight are stopped (each removes its part file, or keeps it with its version record when a
   * later download of the same file can continue from it: files of 8 MiB or more with an MD5), and
   * the pool the client created is then disposed, in the background, as Reactor Netty's own {@code
   * dispose()} does. Idempotent and non-blocking, so it is safe on any thread; use {@link
   * #closeAsync()} to wait until all of that is done.
   */
  @Override
  public void close() {
    // A pool that cannot be released (its event loops already shut down) has nothing left to
    // release; there is no caller to tell, and library code does not print.
    closeAsync().subscribe(null, e -> {});
  }

  /**
   * Closes the client without blocking: new requests are refused at once, downloads in flight are
   * stopped, and the returned {@code Mono} completes once each has removed (or, when resumable,
   * kept) its part file and the pool the client created is released. Idempotent.
   *
   * @return completes when the downloads have cleaned up and what the client created is released
   */
  public Mono<Void> closeAsync() {
    return core.closeAsync();
  }

  ClientCore core() {
    return core;
  }

  @Override
  public String toString() {
    return "WandbClient{" + baseUrl() + "}";
  }

  /** Configures a {@link WandbClient}. Not thread-safe; the client it builds is. */
  public static final class Builder {
    private String baseUrl;
    private String apiKey;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration firstBackoff = DEFAULT_FIRST_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private ConnectionProvider connectionProvider;
    private LoopResources loopResources;
    private TrustManagerFactory trustManagerFactory;
    private final List<WandbClientListener> listeners = new ArrayList<>();
    private long maxBufferedBytes;
    private boolean connectionPoolMetrics;
    private ProxyOptions proxy;
    private boolean http2;
    private UnaryOperator<HttpClient> httpClientCustomizer;
    private boolean allowPlainHttp;
    private ConnectionProvider.MeterRegistrar poolMeters;
    private boolean allowMissingApiKey;
    private Function<String, String> env = System::getenv;
    private Function<String, String> properties = System::getProperty;
    private Path userHome = Path.of(System.getProperty("user.home", "."));

    private Builder() {}

    /**
     * The API base URL, e.g. {@code https://api.wandb.ai} or a self-hosted server such as {@code
     * https://wandb.example.com/api}. Default: {@code WANDB_BASE_URL}, else {@value
     * WandbClient#DEFAULT_BASE_URL}. A trailing slash is dropped.
     *
     * @param baseUrl an absolute http or https URL
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http(s) URL with a valid port and
     *     without user info, query or fragment
     */
    public Builder baseUrl(String baseUrl) {
      parseBaseUrl(Objects.requireNonNull(baseUrl, "baseUrl"));
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The API key. Default: {@code WANDB_API_KEY}, else the {@code password} of the netrc entry
     * ({@code $NETRC}, else {@code ~/.netrc}) whose {@code machine} is the API host (with {@code
     * :port} when the base URL has one). The key is sent only to the API origin.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * How long one API request attempt (one page, one mutation) may take before it is abandoned
     * and, if retries remain, tried again. Default: 30 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * How long opening a connection may take. Default: 10 seconds.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long a response may go without a byte arriving, headers and body alike; a download that
     * stalls this long is resumed (retries permitting). Default: 60 seconds.
     *
     * @param readTimeout a positive duration
     * @return this builder
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = positive(readTimeout, "readTimeout");
      return this;
    }

    /**
     * Retries after a failed attempt, for failures that may pass: connection errors, timeouts, HTTP
     * 429 and 5xx other than 501. Default: {@value WandbClient#DEFAULT_MAX_RETRIES}.
     *
     * @param maxRetries 0 or more; 0 disables retries
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * The backoff between retries: the first wait, doubling each time up to the maximum, each wait
     * then taken at random between half and all of it. Default: 500 ms, up to 30 seconds.
     *
     * @param first the wait before the first retry
     * @param max the longest wait
     * @return this builder
     */
    public Builder retryBackoff(Duration first, Duration max) {
      this.firstBackoff = positive(first, "first");
      this.maxBackoff = positive(max, "max");
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException("max backoff must not be shorter than the first");
      }
      return this;
    }

    /**
     * The longest {@code Retry-After} the client honours on HTTP 429; a longer one is cut to this.
     * Default: 60 seconds.
     *
     * @param maxRetryAfter a positive duration
     * @return this builder
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = positive(maxRetryAfter, "maxRetryAfter");
      return this;
    }

    /**
     * The size of the connection pool the client creates; requests beyond it wait for a free
     * connection. Ignored when a {@link #connectionProvider(ConnectionProvider)} is given. Default:
     * {@value WandbClient#DEFAULT_MAX_CONNECTIONS}.
     *
     * @param maxConnections 1 or more
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The largest GraphQL response the client reads, protecting memory from a runaway answer.
     * Default: {@value WandbClient#DEFAULT_MAX_RESPONSE_BYTES} bytes.
     *
     * @param maxResponseBytes 1 KiB or more
     * @return this builder
     */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024");
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Borrows a connection pool, e.g. an application's shared one. The client never disposes it.
     * Default: the client creates and owns a pool named {@code wandb4j}.
     *
     * @param provider the pool
     * @return this builder
     */
    public Builder connectionProvider(ConnectionProvider provider) {
      this.connectionProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Borrows event loops. The client never disposes them. Default: Reactor Netty's shared loops.
     *
     * @param loops the event loops
     * @return this builder
     */
    public Builder loopResources(LoopResources loops) {
      this.loopResources = Objects.requireNonNull(loops, "loops");
      return this;
    }

    /**
     * Trusts the certificates of this factory for https connections instead of the JDK's default
     * trust store, e.g. for a self-hosted server behind a private certificate authority.
     * Certificates and host names are always verified; there is no switch to turn that off.
     * Default: the JDK's trust store.
     *
     * @param trust the trust managers to use
     * @return this builder
     */
    public Builder trustManagerFactory(TrustManagerFactory trust) {
      this.trustManagerFactory = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /**
     * Adds a listener that hears pages, bytes, retries and failures, e.g. to record metrics. Every
     * listener added hears every event, in the order they were added. Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(WandbClientListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The most bytes that all of the client's downloads together hold between the socket and the
     * disk. Memory stays near this whatever the number of downloads: each socket read is capped at
     * a share of it, and a download asks for more than one buffer at a time only while the client
     * is under it. Default: {@value WandbClient#DEFAULT_MAX_BUFFERED_BYTES} bytes, or a quarter of
     * the JVM's direct memory limit ({@code -XX:MaxDirectMemorySize}) if that is smaller.
     *
     * @param bytes 64 KiB or more
     * @return this builder
     */
    public Builder maxBufferedBytes(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException("maxBufferedBytes must be at least 64 KiB: " + bytes);
      }
      this.maxBufferedBytes = bytes;
      return this;
    }

    /**
     * Publishes Reactor Netty's connection-pool metrics ({@code
     * reactor.netty.connection.provider.*}) for the pool the client creates, through Micrometer's
     * global registry; needs Micrometer on the class path. Ignored for a borrowed pool. Default:
     * false.
     *
     * @param enabled whether to publish them
     * @return this builder
     */
    public Builder connectionPoolMetrics(boolean enabled) {
      this.connectionPoolMetrics = enabled;
      return this;
    }

    /**
     * Publishes the connection-pool metrics of the pool the client creates through this registrar,
     * e.g. into an application's own {@code MeterRegistry} rather than Micrometer's global one.
     * Ignored for a borrowed pool. Default: none.
     *
     * @param registrar registers (and removes) the pool's meters
     * @return this builder
     */
    public Builder connectionPoolMetrics(ConnectionProvider.MeterRegistrar registrar) {
      this.poolMeters = Objects.requireNonNull(registrar, "registrar");
      return this;
    }

    /**
     * The HTTP proxy every request goes through, but those to its {@link
     * ProxyOptions#nonProxyHosts(List) non-proxy hosts}; {@link ProxyOptions#NONE} for none at all.
     * Requests are tunnelled ({@code CONNECT}), so TLS runs end to end. Default: the environment's
     * {@code HTTPS_PROXY} (https URLs) and {@code HTTP_PROXY} (http URLs), either case, with {@code
     * NO_PROXY}; else the JVM's {@code https.proxyHost}/{@code https.proxyPort}, {@code
     * http.proxyHost}/{@code http.proxyPort} and {@code http.nonProxyHosts}; else none.
     *
     * @param proxy the proxy
     * @return this builder
     */
    public Builder proxy(ProxyOptions proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * Offers HTTP/2 to https servers (API and storage) through ALPN, keeping HTTP/1.1 where a
     * server does not take it. Over HTTP/2 many downloads share one connection. Default: false:
     * HTTP/1.1 with a pool of connections measured faster here for large and for many small files
     * alike (benchmarks/README.md).
     *
     * @param enabled whether to offer HTTP/2
     * @return this builder
     */
    public Builder http2(boolean enabled) {
      this.http2 = enabled;
      return this;
    }

    /**
     * An escape hatch: a function applied last to the Reactor Netty {@link HttpClient} the client
     * builds (once for each route: direct, and through each proxy), for whatever the settings do
     * not cover, e.g. a {@code wiretap}, a {@code resolver}, socket options or metrics. What it
     * sets wins over the client's own settings; the client relies on redirects staying off and on
     * the HTTP decoder it sets, so leave those alone. The client still adds its own headers per
     * request. Default: none.
     *
     * @param customizer returns the client to use, usually {@code client.something(...)}
     * @return this builder
     */
    public Builder httpClientCustomizer(UnaryOperator<HttpClient> customizer) {
      this.httpClientCustomizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * Allows a plain {@code http://} base URL on a host other than this machine's loopback: the API
     * key would cross the network in clear text, so such a URL is refused unless this is set.
     * Loopback ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) is always allowed. Default:
     * false.
     *
     * @param allow whether to allow it
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /**
     * Whether {@link #build()} succeeds when no API key can be found. If it does, every request to
     * the API fails with {@link dev.wandb4j.error.WandbAuthenticationException}, saying how to give
     * a key, without sending anything; an application can then start (and its tests run) without
     * W&amp;B credentials. Default: false, and {@code build()} fails.
     *
     * @param allow whether to build without a key
     * @return this builder
     */
    public Builder allowMissingApiKey(boolean allow) {
      this.allowMissingApiKey = allow;
      return this;
    }

    Builder environment(Function<String, String> env, Path userHome) {
      this.env = env;
      this.userHome = userHome;
      return this;
    }

    Builder systemProperties(Function<String, String> properties) {
      this.properties = properties;
      return this;
    }

    /**
     * Builds the client. Reads the netrc file when the key comes from there.
     *
     * @return the client
     * @throws IllegalArgumentException if the base URL is not an absolute http(s) URL, or is plain
     *     http on another host than loopback without {@link #allowPlainHttp(boolean)}, or a proxy
     *     variable is not an HTTP proxy URL
     * @throws WandbAuthenticationException if no API key can be found (unless {@link
     *     #allowMissingApiKey(boolean)}); the message says how to give one
     */
    public WandbClient build() {
      String url = baseUrl;
      if (url == null) {
        String fromEnv = env.apply("WANDB_BASE_URL");
        url = fromEnv == null || fromEnv.isBlank() ? DEFAULT_BASE_URL : fromEnv;
      }
      URI base = parseBaseUrl(url);
      if (!allowPlainHttp && "http".equalsIgnoreCase(base.getScheme()) && !isLoopback(base)) {
        throw new IllegalArgumentException(
            "Refusing to send the W&B API key in clear text to "
                + base.getHost()
                + ": use an https base URL, or allow plain http for a network you trust"
                + " (allowPlainHttp(true); --allow-http on the command line; wandb.allow-plain-http"
                + " in Spring Boot)");
      }
      Proxies proxies;
      if (proxy == null) {
        proxies = Proxies.fromEnvironment(env, properties);
      } else if (proxy == ProxyOptions.NONE) {
        proxies = Proxies.NONE;
      } else {
        proxies =
            Proxies.of(
                new Proxies.Route(proxy.host(), proxy.port(), proxy.username(), proxy.password()),
                proxy.nonProxyHosts());
      }
      String key;
      try {
        key = Credentials.resolveApiKey(apiKey, env, userHome, base);
      } catch (WandbAuthenticationException none) {
        if (!allowMissingApiKey || apiKey != null) {
          throw none;
        }
        key = null;
      }
      ClientSettings settings =
          new ClientSettings(
              base,
              key,
              timeout,
              connectTimeout,
              readTimeout,
              new RetrySettings(maxRetries, firstBackoff, maxBackoff, maxRetryAfter),
              userAgent(),
              maxResponseBytes,
              listeners.isEmpty() ? null : new Events(List.copyOf(listeners)));
      TransferBudget budget =
          new TransferBudget(maxBufferedBytes > 0 ? maxBufferedBytes : defaultBufferedBytes());
      HttpCore http =
          new HttpCore(
              settings,
              budget,
              new TransportOptions(
                  connectionProvider,
                  loopResources,
                  maxConnections,
                  connectionPoolMetrics,
                  poolMeters,
                  trustManagerFactory,
                  http2,
                  proxies,
                  httpClientCustomizer,
                  null));
      return new WandbClient(new ClientCore(http, budget), env);
    }

    /** Whether a URL names this machine: {@code localhost} or a loopback address, no lookup. */
    static boolean isLoopback(URI uri) {
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      if (host.equals("localhost") || host.endsWith(".localhost")) {
        return true;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
      if (address == null) {
        return false;
      }
      if (address.length == 4) {
        return address[0] == 127;
      }
      for (int i = 0; i < 15; i++) {
        if (address[i] != 0) {
          return false;
        }
      }
      return address[15] == 1;
    }

    /** 64 MiB, or a quarter of the direct memory the JVM allows if that is smaller. */
    static long defaultBufferedBytes() {
      long direct = io.netty.util.internal.PlatformDependent.maxDirectMemory();
      long quarter = direct > 0 ? direct / 4 : DEFAULT_MAX_BUFFERED_BYTES;
      return Math.max(1L << 20, Math.min(DEFAULT_MAX_BUFFERED_BYTES, quarter));
    }

    static URI parseBaseUrl(String url) {
      String s = url.strip();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      URI uri;
      try {
        uri = new URI(s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("Invalid W&B base URL: " + e.getMessage(), e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "The W&B base URL must be an absolute http or https URL such as "
                + DEFAULT_BASE_URL
                + ", was '"
                + s
                + "'");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
        throw new IllegalArgumentException(
            "The W&B base URL must not have user info, a query or a fragment");
      }
      if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
        throw new IllegalArgumentException(
            "The W&B base URL has port " + uri.getPort() + ", outside the range 1 to 65535");
      }
      return uri;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    static String userAgent() {
      return "wandb4j/" + version() + " (Java " + System.getProperty("java.version") + ")";
    }

    static String version() {
      try (InputStream in = WandbClient.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          return p.getProperty("version", "unknown");
        }
      } catch (IOException ignored) {
        // fall through
      }
      return "unknown";
    }
  }
}
