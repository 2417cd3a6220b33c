package dev.wandb4j.internal;

import dev.wandb4j.error.WandbConnectionException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;

/**
 * The two waits of one request, each bounded on its own: for a connection (a free one from the
 * pool, or a new one opened), and then, once the request is on its way, for the exchange itself.
 * Running out of the first is a {@link WandbConnectionException} that speaks of the pool, not of a
 * slow server; time spent in it does not count against the second. Used by one request.
 */
final class Acquisition implements BiConsumer<HttpClientRequest, Connection> {
  private final Sinks.One<Boolean> sent = Sinks.one();
  private volatile boolean connected;

  /** Reactor Netty is about to send the request: the connection is ours. */
  @Override
  public void accept(HttpClientRequest request, Connection connection) {
    connected = true;
    sent.tryEmitValue(Boolean.TRUE);
  }

  /**
   * Bounds a request.
   *
   * @param exchange the request and its answer
   * @param acquire the longest wait for a connection
   * @param attempt the longest exchange once the request is sent
   * @param uri names the host in the error
   * @param what names the resource in the error
   * @param poolSize the pool's size, for the error
   */
  <T> Mono<T> bound(
      Mono<T> exchange, Duration acquire, Duration attempt, URI uri, String what, int poolSize) {
    Mono<Long> deadline =
        Mono.firstWithSignal(notConnectedAfter(acquire), sent.asMono().then(Mono.delay(attempt)));
    return exchange
        .timeout(deadline)
        .onErrorMap(
            TimeoutException.class,
            e -> connected ? e : poolError(e, uri, what, acquire, poolSize));
  }

  /** Bounds the wait for a connection of a request whose body is timed elsewhere. */
  <T> Flux<T> bound(Flux<T> exchange, Duration acquire, URI uri, String what, int poolSize) {
    return exchange
        .timeout(notConnectedAfter(acquire), item -> Mono.never())
        .onErrorMap(TimeoutException.class, e -> poolError(e, uri, what, acquire, poolSize));
  }

  private Mono<Long> notConnectedAfter(Duration acquire) {
    return Mono.delay(acquire).flatMap(t -> connected ? Mono.<Long>never() : Mono.just(t));
  }

  private static WandbConnectionException poolError(
      Throwable cause, URI uri, String what, Duration waited, int poolSize) {
    return new WandbConnectionException(
        "No connection to "
            + uri.getHost()
            + " within "
            + waited.toMillis()
            + " ms for "
            + what
            + ": the client's "
            + poolSize
            + " connections were all in use, or opening one took that long; raise"
            + " maxConnections or lower the concurrency",
        cause);
  }

  /** Whether Reactor Netty's own pool gave up waiting for a connection. */
  static boolean isPoolTimeout(Throwable e) {
    return e instanceof TimeoutException
        && e.getClass().getSimpleName().equals("PoolAcquireTimeoutException");
  }

  /** The error for Reactor Netty's own pool timeout (a borrowed pool's, or the backstop). */
  static WandbConnectionException poolError(Throwable e, String what) {
    return new WandbConnectionException(
        "No connection from the pool for "
            + what
            + " within its pending-acquire timeout: every connection was in use; raise"
            + " maxConnections or lower the concurrency",
        e);
  }
}
