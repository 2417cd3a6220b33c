package dev.wandb4j.spring;

import dev.wandb4j.ProxyOptions;
import dev.wandb4j.WandbClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeTypeUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the {@code WandbClient} bean, under {@code wandb.*}. Validated when they are bound,
 * by the client builder's own rules: a wrong value stops the application at startup, and the
 * failure report names the property.
 */
@ConfigurationProperties(prefix = WandbProperties.PREFIX)
@Validated
public class WandbProperties implements Validator {
  /** The properties' prefix: {@value}. */
  public static final String PREFIX = "wandb";

  /** Whether to configure a W&B client at all. */
  private boolean enabled = true;

  /** W&B API base URL. Defaults to WANDB_BASE_URL, else https://api.wandb.ai. */
  private String baseUrl;

  /**
   * W&B API key. Defaults to WANDB_API_KEY, else the ~/.netrc entry for the API host. Prefer the
   * environment or a secret store to a value in a properties file.
   */
  private String apiKey;

  /** How long one API request attempt may take. */
  private Duration timeout = Duration.ofSeconds(30);

  /** How long opening a connection may take. */
  private Duration connectTimeout = Duration.ofSeconds(10);

  /** How long a response may go without a byte arriving; a stalled download is resumed. */
  private Duration readTimeout = Duration.ofSeconds(60);

  /** Retries after a failed attempt (connection errors, timeouts, 429, 5xx other than 501). */
  private int maxRetries = 5;

  /** Wait before the first retry; it doubles after each, up to retry-max-backoff. */
  private Duration retryFirstBackoff = Duration.ofMillis(500);

  /** Longest wait between two attempts. */
  private Duration retryMaxBackoff = Duration.ofSeconds(30);

  /** Longest Retry-After honoured on HTTP 429. */
  private Duration maxRetryAfter = Duration.ofSeconds(60);

  /** Size of the client's connection pool. */
  private int maxConnections = 64;

  /** Whether the client runs on the application's Reactor Netty event loops, when it has them. */
  private boolean shareEventLoops = true;

  /**
   * Offer HTTP/2 to https servers (the API and storage) through ALPN, keeping HTTP/1.1 where a
   * server does not take it.
   */
  private boolean http2;

  /**
   * Allow a plain http:// base URL on a host other than this machine's loopback; the API key would
   * cross the network in clear text, so such a URL is refused unless this is set.
   */
  private boolean allowPlainHttp;

  /** The HTTP proxy the client's connections go through. */
  private final HttpProxy httpProxy = new HttpProxy();

  /** How WandbFileResponses answers for a file. */
  private final Proxy proxy = new Proxy();

  /**
   * The HTTP proxy of the client's own connections (not to be confused with {@code wandb.proxy.*},
   * the settings of the application's proxy endpoint). Without a host, the client takes the
   * environment's proxy, as W&amp;B's SDK does ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code
   * NO_PROXY}), else the JVM's proxy properties.
   */
  public static class HttpProxy {
    /** Whether to use a proxy at all; false ignores the environment and the JVM's properties. */
    private boolean enabled = true;

    /** Proxy host; unset, the environment's or the JVM's proxy is used, if any. */
    private String host;

    /** Proxy port; required with a host. */
    private Integer port;

    /** User sent to the proxy (Proxy-Authorization: Basic), with password. */
    private String username;

    /** Password sent to the proxy, with username. */
    private String password;

    /**
     * Hosts reached directly, as in NO_PROXY: a host and its subdomains (example.com,
     * .example.com), host:port, an address range (10.0.0.0/8), or * for all.
     */
    private List<String> nonProxyHosts = new ArrayList<>();

    /**
     * What these settings give the client's builder.
     *
     * @return the proxy to set, or {@code null} to keep the builder's default (the environment's)
     * @throws IllegalArgumentException if the host or port is not valid
     */
    ProxyOptions options() {
      if (!enabled) {
        return ProxyOptions.NONE;
      }
      if (host == null || host.isBlank()) {
        return null;
      }
      ProxyOptions options = ProxyOptions.http(host, port == null ? 0 : port);
      if (username != null) {
        options = options.credentials(username, password == null ? "" : password);
      }
      return options.nonProxyHosts(nonProxyHosts);
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public List<String> getNonProxyHosts() {
      return nonProxyHosts;
    }

    public void setNonProxyHosts(List<String> nonProxyHosts) {
      this.nonProxyHosts = nonProxyHosts;
    }
  }

  /** Settings of {@link WandbFileResponses}. */
  public static class Proxy {
    /**
     * Media types served inline; every other type is served as an attachment, so that a file's
     * uploader cannot make the browser render it as a page of the application. A wildcard entry
     * (image/*) covers every type it includes except those that can carry script (SVG, HTML, XML);
     * name such a type to serve it inline.
     */
    private List<String> inlineTypes = new ArrayList<>(WandbFileResponses.DEFAULT_INLINE_TYPES);

    public List<String> getInlineTypes() {
      return inlineTypes;
    }

    public void setInlineTypes(List<String> inlineTypes) {
      this.inlineTypes = inlineTypes;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Proxy getProxy() {
    return proxy;
  }

  public HttpProxy getHttpProxy() {
    return httpProxy;
  }

  public boolean isHttp2() {
    return http2;
  }

  public void setHttp2(boolean http2) {
    this.http2 = http2;
  }

  public boolean isAllowPlainHttp() {
    return allowPlainHttp;
  }

  public void setAllowPlainHttp(boolean allowPlainHttp) {
    this.allowPlainHttp = allowPlainHttp;
  }

  public String getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public String getApiKey() {
    return apiKey;
  }

  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getReadTimeout() {
    return readTimeout;
  }

  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  public int getMaxRetries() {
    return maxRetries;
  }

  public void setMaxRetries(int maxRetries) {
    this.maxRetries = maxRetries;
  }

  public Duration getRetryFirstBackoff() {
    return retryFirstBackoff;
  }

  public void setRetryFirstBackoff(Duration retryFirstBackoff) {
    this.retryFirstBackoff = retryFirstBackoff;
  }

  public Duration getRetryMaxBackoff() {
    return retryMaxBackoff;
  }

  public void setRetryMaxBackoff(Duration retryMaxBackoff) {
    this.retryMaxBackoff = retryMaxBackoff;
  }

  public Duration getMaxRetryAfter() {
    return maxRetryAfter;
  }

  public void setMaxRetryAfter(Duration maxRetryAfter) {
    this.maxRetryAfter = maxRetryAfter;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  public boolean isShareEventLoops() {
    return shareEventLoops;
  }

  public void setShareEventLoops(boolean shareEventLoops) {
    this.shareEventLoops = shareEventLoops;
  }

  @Override
  public boolean supports(Class<?> type) {
    return WandbProperties.class.isAssignableFrom(type);
  }

  /** Checks each value as the client's builder would, naming the property at fault. */
  @Override
  public void validate(Object target, Errors errors) {
    WandbProperties p = (WandbProperties) target;
    if (!p.isEnabled()) {
      return;
    }
    WandbClient.Builder b = WandbClient.builder();
    if (p.getBaseUrl() != null && !p.getBaseUrl().isBlank()) {
      check(errors, "baseUrl", p.getBaseUrl(), b::baseUrl);
    }
    check(errors, "timeout", p.getTimeout(), b::timeout);
    check(errors, "connectTimeout", p.getConnectTimeout(), b::connectTimeout);
    check(errors, "readTimeout", p.getReadTimeout(), b::readTimeout);
    check(errors, "maxRetries", p.getMaxRetries(), b::maxRetries);
    check(errors, "retryFirstBackoff", p.getRetryFirstBackoff(), v -> b.retryBackoff(v, v));
    check(errors, "retryMaxBackoff", p.getRetryMaxBackoff(), v -> b.retryBackoff(v, v));
    if (!errors.hasFieldErrors("retryFirstBackoff")
        && !errors.hasFieldErrors("retryMaxBackoff")
        && p.getRetryMaxBackoff().compareTo(p.getRetryFirstBackoff()) < 0) {
      errors.rejectValue(
          "retryMaxBackoff", "invalid", "must not be shorter than wandb.retry-first-backoff");
    }
    check(errors, "maxRetryAfter", p.getMaxRetryAfter(), b::maxRetryAfter);
    check(errors, "maxConnections", p.getMaxConnections(), b::maxConnections);
    HttpProxy hp = p.getHttpProxy();
    if (hp.isEnabled() && hp.getHost() != null && !hp.getHost().isBlank()) {
      if (hp.getPort() == null) {
        errors.rejectValue("httpProxy.port", "required", "must be set with wandb.http-proxy.host");
      } else {
        check(errors, "httpProxy.port", hp.getPort(), v -> ProxyOptions.http(hp.getHost(), v));
      }
      if (hp.getUsername() != null && hp.getPassword() == null) {
        errors.rejectValue(
            "httpProxy.password", "required", "must be set with wandb.http-proxy.username");
      }
    }
    List<String> types = p.getProxy().getInlineTypes();
    for (int i = 0; i < types.size(); i++) {
      try {
        MimeTypeUtils.parseMimeType(types.get(i));
      } catch (InvalidMimeTypeException e) {
        errors.rejectValue(
            "proxy.inlineTypes[" + i + "]", "invalid", "is not a media type: " + e.getMessage());
      }
    }
  }

  private static <T> void check(Errors errors, String field, T value, Consumer<T> setter) {
    if (value == null) {
      errors.rejectValue(field, "required", "must be set");
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      errors.rejectValue(field, "invalid", e.getMessage());
    }
  }
}
