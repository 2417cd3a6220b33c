package dev.wandb4j.internal;

import io.netty.handler.ssl.SslProvider;
import java.util.function.UnaryOperator;
import javax.net.ssl.TrustManagerFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * How the client's connections are made: pool, event loops, TLS, protocols, proxies.
 *
 * @param provider a borrowed connection pool, or {@code null} to create (and own) one
 * @param loops borrowed event loops, or {@code null} for Reactor Netty's shared ones
 * @param maxConnections the size of an owned pool
 * @param poolMetrics whether an owned pool publishes Reactor Netty's metrics to Micrometer's global
 *     registry
 * @param poolMeters where an owned pool publishes its metrics instead, or {@code null}
 * @param trust trust managers for https, or {@code null} for the JDK's default trust store
 * @param http2 whether to offer HTTP/2 to https servers
 * @param proxies which requests go through which proxy
 * @param customizer applied last to the Reactor Netty client, or {@code null}
 * @param engine the TLS engine, or {@code null} for OpenSSL where it loads, else the JDK's
 */
public record TransportOptions(
    ConnectionProvider provider,
    LoopResources loops,
    int maxConnections,
    boolean poolMetrics,
    ConnectionProvider.MeterRegistrar poolMeters,
    TrustManagerFactory trust,
    boolean http2,
    Proxies proxies,
    UnaryOperator<HttpClient> customizer,
    SslProvider engine) {

  /** An owned pool of {@code maxConnections}, no proxy, the JDK's trust store. */
  public static TransportOptions defaults(int maxConnections) {
    return new TransportOptions(
        null, null, maxConnections, false, null, null, false, Proxies.NONE, null, null);
  }
}
