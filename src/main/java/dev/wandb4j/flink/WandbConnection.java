package dev.wandb4j.flink;

import dev.wandb4j.WandbClient;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How the source's enumerator and readers reach W&amp;B: the settings of the {@link WandbClient}
 * each of them opens on the machine it runs on. An immutable, serializable value; unset fields keep
 * {@link WandbClient.Builder}'s defaults, so by default the base URL and the API key are read from
 * {@code WANDB_BASE_URL} and {@code WANDB_API_KEY} (or the netrc file) <em>on each task manager and
 * on the job manager</em>.
 *
 * <p>That is the recommended way to give the key: an {@link Builder#apiKey(String) apiKey} set here
 * travels inside the job's serialized graph. It never appears in {@link #toString()}, in records or
 * in checkpoints.
 *
 * <p>Readers in one task manager whose connections are equal share one client: see {@link
 * WandbFilesSource}.
 */
public final class WandbConnection implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every setting at its default: key and base URL from each machine's environment. */
  public static final WandbConnection DEFAULT = builder().build();

  private final String baseUrl;
  private final String apiKey;
  private final Duration timeout;
  private final Duration readTimeout;
  private final Integer maxRetries;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private final Integer maxConnections;
  private final Long maxBufferedBytes;
  private final boolean allowPlainHttp;

  private WandbConnection(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.timeout = b.timeout;
    this.readTimeout = b.readTimeout;
    this.maxRetries = b.maxRetries;
    this.firstBackoff = b.firstBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxConnections = b.maxConnections;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.allowPlainHttp = b.allowPlainHttp;
  }

  /**
   * Starts configuring a connection.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a client with these settings on the machine this runs on.
   *
   * @return a new client, which the caller closes
   * @throws dev.wandb4j.error.WandbAuthenticationException if no API key is given here or found in
   *     the environment; the message says how to give one
   * @throws IllegalArgumentException if the base URL from the environment is not a W&amp;B base
   *     URL, or is plain http to another host than loopback without {@link
   *     Builder#allowPlainHttp(boolean)}
   */
  WandbClient open() {
    WandbClient.Builder b = WandbClient.builder().allowPlainHttp(allowPlainHttp);
    if (baseUrl != null) {
      b.baseUrl(baseUrl);
    }
    if (apiKey != null) {
      b.apiKey(apiKey);
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (readTimeout != null) {
      b.readTimeout(readTimeout);
    }
    if (maxRetries != null) {
      b.maxRetries(maxRetries);
    }
    if (firstBackoff != null) {
      b.retryBackoff(firstBackoff, maxBackoff);
    }
    if (maxConnections != null) {
      b.maxConnections(maxConnections);
    }
    if (maxBufferedBytes != null) {
      b.maxBufferedBytes(maxBufferedBytes);
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WandbConnection)) {
      return false;
    }
    WandbConnection c = (WandbConnection) o;
    return Objects.equals(baseUrl, c.baseUrl)
        && Objects.equals(apiKey, c.apiKey)
        && Objects.equals(timeout, c.timeout)
        && Objects.equals(readTimeout, c.readTimeout)
        && Objects.equals(maxRetries, c.maxRetries)
        && Objects.equals(firstBackoff, c.firstBackoff)
        && Objects.equals(maxBackoff, c.maxBackoff)
        && Objects.equals(maxConnections, c.maxConnections)
        && Objects.equals(maxBufferedBytes, c.maxBufferedBytes)
        && allowPlainHttp == c.allowPlainHttp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        baseUrl,
        apiKey,
        timeout,
        readTimeout,
        maxRetries,
        firstBackoff,
        maxBackoff,
        maxConnections,
        maxBufferedBytes,
        allowPlainHttp);
  }

  /** Names the base URL and whether a key is set; never the key. */
  @Override
  public String toString() {
    return "WandbConnection{"
        + (baseUrl == null ? "base URL from the environment" : baseUrl)
        + ", "
        + (apiKey == null ? "API key from the environment" : "API key set")
        + "}";
  }

  /** Configures a {@link WandbConnection}. Not thread-safe; the connection it builds is. */
  public static final class Builder {
    private String baseUrl;
    private String apiKey;
    private Duration timeout;
    private Duration readTimeout;
    private Integer maxRetries;
    private Duration firstBackoff;
    private Duration maxBackoff;
    private Integer maxConnections;
    private Long maxBufferedBytes;
    private boolean allowPlainHttp;

    private Builder() {}

    /**
     * The API base URL. Default: {@code WANDB_BASE_URL} on each machine, else {@value
     * WandbClient#DEFAULT_BASE_URL}.
     *
     * @param baseUrl an absolute http or https URL, plain http only to loopback unless {@link
     *     #allowPlainHttp(boolean)}
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http(s) URL with a valid port and
     *     without user info, query or fragment
     */
    public Builder baseUrl(String baseUrl) {
      // Checked here, where the job is built, rather than on every task manager later.
      WandbClient.builder().baseUrl(baseUrl);
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Allows a plain {@code http://} base URL on a host other than loopback, where the API key
     * would cross the network in clear text; see {@link WandbClient.Builder#allowPlainHttp}.
     * Default: false, and each machine's client refuses such a URL when it opens.
     *
     * @param allow whether to allow it
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /**
     * The API key. Default: {@code WANDB_API_KEY} on each machine, else its netrc entry for the API
     * host. A key set here is serialized with the job's graph; prefer the environment.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * How long one API request attempt may take. Default: {@link WandbClient#DEFAULT_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      WandbClient.builder().timeout(timeout);
      this.timeout = timeout;
      return this;
    }

    /**
     * How long a response may go without a byte arriving. Default: {@link
     * WandbClient#DEFAULT_READ_TIMEOUT}.
     *
     * @param readTimeout a positive duration
     * @return this builder
     */
    public Builder readTimeout(Duration readTimeout) {
      WandbClient.builder().readTimeout(readTimeout);
      this.readTimeout = readTimeout;
      return this;
    }

    /**
     * Retries after a failed attempt. Default: {@value WandbClient#DEFAULT_MAX_RETRIES}.
     *
     * @param maxRetries 0 or more
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      WandbClient.builder().maxRetries(maxRetries);
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * The backoff between retries. Default: {@link WandbClient#DEFAULT_FIRST_BACKOFF} doubling up
     * to {@link WandbClient#DEFAULT_MAX_BACKOFF}.
     *
     * @param first the wait before the first retry
     * @param max the longest wait
     * @return this builder
     */
    public Builder retryBackoff(Duration first, Duration max) {
      WandbClient.builder().retryBackoff(first, max);
      this.firstBackoff = first;
      this.maxBackoff = max;
      return this;
    }

    /**
     * The size of the connection pool of the client that a task manager's readers share. Default:
     * {@value WandbClient#DEFAULT_MAX_CONNECTIONS}.
     *
     * @param maxConnections 1 or more
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      WandbClient.builder().maxConnections(maxConnections);
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The most received bytes that the downloads of a task manager's shared client hold before they
     * reach the disk. Default: {@link WandbClient#DEFAULT_MAX_BUFFERED_BYTES}, or a quarter of the
     * JVM's direct memory limit if that is smaller.
     *
     * @param bytes 64 KiB or more
     * @return this builder
     */
    public Builder maxBufferedBytes(long bytes) {
      WandbClient.builder().maxBufferedBytes(bytes);
      this.maxBufferedBytes = bytes;
      return this;
    }

    /**
     * Builds the connection.
     *
     * @return the connection
     */
    public WandbConnection build() {
      return new WandbConnection(this);
    }
  }
}
