package dev.wandb4j.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a request is retried: exponential backoff with jitter, and a bound on
 * how long a server's {@code Retry-After} is honoured.
 */
public final class RetrySettings {
  private final int maxRetries;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;

  /**
   * Creates a policy.
   *
   * @param maxRetries retries after the first attempt (0 disables retries)
   * @param firstBackoff the wait before the first retry
   * @param maxBackoff the longest wait between two attempts
   * @param maxRetryAfter the longest {@code Retry-After} honoured; longer ones are cut to it
   */
  public RetrySettings(
      int maxRetries, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    this.maxRetries = maxRetries;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
    this.maxRetryAfter = maxRetryAfter;
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The wait before retry number {@code retry} (0-based): {@code firstBackoff * 2^retry}, capped at
   * {@code maxBackoff}, then between half and all of it at random.
   */
  Duration backoff(long retry) {
    long base = firstBackoff.toMillis();
    long cap = maxBackoff.toMillis();
    long exp = retry >= 30 ? cap : Math.min(cap, base << retry);
    if (exp <= 1) {
      return Duration.ofMillis(exp);
    }
    long half = exp / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(exp - half + 1));
  }

  /** The wait a server asked for, bounded by {@code maxRetryAfter}. */
  Duration boundRetryAfter(Duration asked) {
    if (asked.isNegative()) {
      return Duration.ZERO;
    }
    return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
  }

  @Override
  public String toString() {
    return "RetrySettings{maxRetries="
        + maxRetries
        + ", firstBackoff="
        + firstBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", maxRetryAfter="
        + maxRetryAfter
        + "}";
  }
}
