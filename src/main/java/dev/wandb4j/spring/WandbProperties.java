package dev.wandb4j.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the {@code WandbClient} bean, under {@code wandb.*}. */
@ConfigurationProperties(prefix = "wandb")
public class WandbProperties {
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
}
