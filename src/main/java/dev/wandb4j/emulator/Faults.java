package dev.wandb4j.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test scripts into the emulator, for one file or for everything it serves. Counted faults
 * fire on the next requests and then stop; the others stay until cleared. Thread-safe.
 */
public final class Faults {
  private final AtomicInteger failCount = new AtomicInteger();
  private volatile int failStatus = 503;
  private volatile Duration failRetryAfter;
  private final AtomicInteger resetCount = new AtomicInteger();
  private volatile long resetAfterBytes;
  private volatile long bytesPerSecond;
  private volatile Duration firstByteDelay = Duration.ZERO;
  private volatile boolean ignoreRange;
  private volatile long corruptOffset = -1;
  private volatile boolean expireSignedUrls;
  private final AtomicInteger emptyPages = new AtomicInteger();
  private final AtomicInteger repeatedCursors = new AtomicInteger();
  private final AtomicInteger graphQlErrorCount = new AtomicInteger();
  private volatile String graphQlErrorMessage = "emulated error";
  private volatile Duration graphQlLatency = Duration.ZERO;
  private volatile Duration requestLatency = Duration.ZERO;
  private final AtomicInteger afterMutationCount = new AtomicInteger();
  private volatile AfterMutation afterMutation;

  /**
   * What the emulator does once it has applied a mutation, instead of answering it at once: the
   * failures that leave a client unsure whether its mutation took effect.
   *
   * @param kind how the answer goes wrong
   * @param delay how late the answer comes, for {@link Kind#ANSWER_LATE}
   * @param status the status answered, for {@link Kind#FAIL}
   */
  record AfterMutation(Kind kind, Duration delay, int status) {
    /** How the answer to an applied mutation goes wrong. */
    enum Kind {
      ANSWER_LATE,
      DROP_CONNECTION,
      FAIL
    }
  }

  Faults() {}

  /**
   * Answers the next {@code times} requests with {@code status}.
   *
   * @param times how many requests fail
   * @param status the HTTP status to answer with
   * @return these faults
   */
  public Faults failNext(int times, int status) {
    return failNext(times, status, null);
  }

  /**
   * Answers the next {@code times} requests with {@code status} and a {@code Retry-After}.
   *
   * @param times how many requests fail
   * @param status the HTTP status
   * @param retryAfter the {@code Retry-After} to send (whole seconds), or {@code null}
   * @return these faults
   */
  public Faults failNext(int times, int status, Duration retryAfter) {
    this.failStatus = status;
    this.failRetryAfter = retryAfter;
    this.failCount.set(times);
    return this;
  }

  /**
   * Closes the connection after {@code bytes} bytes of body, on the next {@code times} storage
   * requests.
   *
   * @param bytes body bytes sent before the connection is closed
   * @param times how many requests are cut
   * @return these faults
   */
  public Faults resetAfter(long bytes, int times) {
    this.resetAfterBytes = bytes;
    this.resetCount.set(times);
    return this;
  }

  /**
   * Limits storage bodies to a rate, until cleared with 0.
   *
   * @param bytesPerSecond the rate, or 0 for unlimited
   * @return these faults
   */
  public Faults throttle(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    return this;
  }

  /**
   * Waits before the first byte of every storage response.
   *
   * @param delay the wait
   * @return these faults
   */
  public Faults delayFirstByte(Duration delay) {
    this.firstByteDelay = delay;
    return this;
  }

  /**
   * Answers range requests with the whole body (200), as some servers do.
   *
   * @param ignore whether to ignore {@code Range}
   * @return these faults
   */
  public Faults ignoreRange(boolean ignore) {
    this.ignoreRange = ignore;
    return this;
  }

  /**
   * Flips the bits of the byte at {@code offset} in every body served, until cleared with -1.
   *
   * @param offset the byte to corrupt, or -1 for none
   * @return these faults
   */
  public Faults corruptByte(long offset) {
    this.corruptOffset = offset;
    return this;
  }

  /**
   * Makes every signed storage URL expired when it is used.
   *
   * @param expire whether signed URLs are expired
   * @return these faults
   */
  public Faults expireSignedUrls(boolean expire) {
    this.expireSignedUrls = expire;
    return this;
  }

  /**
   * Answers the next {@code times} listing pages with no files and {@code hasNextPage: true}.
   *
   * @param times how many pages
   * @return these faults
   */
  public Faults emptyPageWithNext(int times) {
    this.emptyPages.set(times);
    return this;
  }

  /**
   * Answers the next {@code times} listing pages with the cursor the request sent.
   *
   * @param times how many pages
   * @return these faults
   */
  public Faults repeatCursor(int times) {
    this.repeatedCursors.set(times);
    return this;
  }

  /**
   * Answers the next {@code times} GraphQL requests with an {@code errors} array.
   *
   * @param times how many requests
   * @param message the error message
   * @return these faults
   */
  public Faults graphQlErrors(int times, String message) {
    this.graphQlErrorMessage = message;
    this.graphQlErrorCount.set(times);
    return this;
  }

  /**
   * Adds latency to every GraphQL answer.
   *
   * @param latency the delay
   * @return these faults
   */
  public Faults graphQlLatency(Duration latency) {
    this.graphQlLatency = latency;
    return this;
  }

  /**
   * Adds latency to every request either server receives, API and storage alike, before it is
   * handled: a network round trip that the emulator's loopback lacks.
   *
   * @param latency the delay
   * @return these faults
   */
  public Faults requestLatency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    this.requestLatency = latency;
    return this;
  }

  /**
   * Applies the next {@code times} GraphQL mutations (a {@code deleteFiles}, say) and answers each
   * only after {@code delay}: a client whose timeout is shorter gives up on a mutation that did
   * take effect. Queries are answered as usual.
   *
   * @param times how many mutations
   * @param delay how long after applying it each answer is sent
   * @return these faults
   */
  public Faults applyThenAnswerLate(int times, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    return afterMutation(times, new AfterMutation(AfterMutation.Kind.ANSWER_LATE, delay, 0));
  }

  /**
   * Applies the next {@code times} GraphQL mutations and closes each connection without an answer,
   * as when a connection breaks after the request was sent. Queries are answered as usual.
   *
   * @param times how many mutations
   * @return these faults
   */
  public Faults applyThenDropConnection(int times) {
    return afterMutation(times, new AfterMutation(AfterMutation.Kind.DROP_CONNECTION, null, 0));
  }

  /**
   * Applies the next {@code times} GraphQL mutations and answers each with {@code status} (a 503,
   * say), as a server that fails after doing the work. Queries are answered as usual.
   *
   * @param times how many mutations
   * @param status the HTTP status to answer with
   * @return these faults
   */
  public Faults applyThenFail(int times, int status) {
    return afterMutation(times, new AfterMutation(AfterMutation.Kind.FAIL, null, status));
  }

  private Faults afterMutation(int times, AfterMutation what) {
    this.afterMutation = what;
    this.afterMutationCount.set(times);
    return this;
  }

  /**
   * Clears every fault.
   *
   * @return these faults
   */
  public Faults clear() {
    failCount.set(0);
    resetCount.set(0);
    bytesPerSecond = 0;
    firstByteDelay = Duration.ZERO;
    ignoreRange = false;
    corruptOffset = -1;
    expireSignedUrls = false;
    emptyPages.set(0);
    repeatedCursors.set(0);
    graphQlErrorCount.set(0);
    graphQlLatency = Duration.ZERO;
    requestLatency = Duration.ZERO;
    afterMutationCount.set(0);
    return this;
  }

  static boolean take(AtomicInteger counter) {
    return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** The status to fail this request with, or 0. */
  int takeFailure() {
    return take(failCount) ? failStatus : 0;
  }

  Duration failRetryAfter() {
    return failRetryAfter;
  }

  /** Body bytes to send before closing, or -1. */
  long takeReset() {
    return take(resetCount) ? resetAfterBytes : -1;
  }

  long bytesPerSecond() {
    return bytesPerSecond;
  }

  Duration firstByteDelay() {
    return firstByteDelay;
  }

  boolean ignoreRange() {
    return ignoreRange;
  }

  long corruptOffset() {
    return corruptOffset;
  }

  boolean expireSignedUrls() {
    return expireSignedUrls;
  }

  boolean takeEmptyPage() {
    return take(emptyPages);
  }

  boolean takeRepeatCursor() {
    return take(repeatedCursors);
  }

  String takeGraphQlError() {
    return take(graphQlErrorCount) ? graphQlErrorMessage : null;
  }

  /** Whether a fault waits for the next mutation. */
  boolean afterMutationPending() {
    return afterMutationCount.get() > 0;
  }

  /** What to do after applying this mutation, or {@code null} to answer it as usual. */
  AfterMutation takeAfterMutation() {
    return take(afterMutationCount) ? afterMutation : null;
  }

  Duration requestLatency() {
    return requestLatency;
  }

  Duration graphQlLatency() {
    return graphQlLatency;
  }
}
