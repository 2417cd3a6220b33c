package dev.wandb4j.internal;

import java.net.URI;
import java.time.Duration;

/** The client's resolved, immutable configuration. */
public final class ClientSettings {
  private final URI baseUrl;
  private final String apiKey;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final RetrySettings retry;
  private final String userAgent;
  private final int maxResponseBytes;
  private final Events events;

  /**
   * Creates settings.
   *
   * @param baseUrl the API base URL, without a trailing slash
   * @param apiKey the API key
   * @param timeout how long one API request attempt may take
   * @param connectTimeout how long opening a connection may take
   * @param readTimeout how long a download may wait for the next bytes
   * @param retry the retry policy
   * @param userAgent the User-Agent header
   * @param maxResponseBytes the largest GraphQL response the client reads
   * @param events the listener, shielded
   */
  public ClientSettings(
      URI baseUrl,
      String apiKey,
      Duration timeout,
      Duration connectTimeout,
      Duration readTimeout,
      RetrySettings retry,
      String userAgent,
      int maxResponseBytes,
      Events events) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.retry = retry;
    this.userAgent = userAgent;
    this.maxResponseBytes = maxResponseBytes;
    this.events = events == null ? Events.NONE : events;
  }

  public Events events() {
    return events;
  }

  public URI baseUrl() {
    return baseUrl;
  }

  String apiKey() {
    return apiKey;
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  public RetrySettings retry() {
    return retry;
  }

  public String userAgent() {
    return userAgent;
  }

  public int maxResponseBytes() {
    return maxResponseBytes;
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "ClientSettings{baseUrl=" + baseUrl + ", timeout=" + timeout + ", retry=" + retry + "}";
  }
}
