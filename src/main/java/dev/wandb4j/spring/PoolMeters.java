package dev.wandb4j.spring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Publishes the client's connection pools into the application's registry, under Reactor Netty's
 * own names and tags ({@code reactor.netty.connection.provider.*}, {@code id}, {@code name}, {@code
 * remote.address}), and removes them when a pool is disposed.
 */
final class PoolMeters implements ConnectionProvider.MeterRegistrar {
  private static final String PREFIX = "reactor.netty.connection.provider";

  private final MeterRegistry registry;
  private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

  PoolMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void registerMetrics(
      String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
    Tags tags = Tags.of("id", id, "name", poolName, "remote.address", address(remoteAddress));
    meters.put(
        key(poolName, id, remoteAddress),
        List.of(
            gauge(".total.connections", "Connections open", tags, metrics, m -> m.allocatedSize()),
            gauge(
                ".active.connections", "Connections in use", tags, metrics, m -> m.acquiredSize()),
            gauge(".idle.connections", "Connections idle", tags, metrics, m -> m.idleSize()),
            gauge(
                ".pending.connections",
                "Requests waiting for a connection",
                tags,
                metrics,
                m -> m.pendingAcquireSize()),
            gauge(".max.connections", "Most connections", tags, metrics, m -> m.maxAllocatedSize()),
            gauge(
                ".max.pending.connections",
                "Most requests that may wait for a connection",
                tags,
                metrics,
                m -> m.maxPendingAcquireSize())));
  }

  @Override
  public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
    List<Meter> removed = meters.remove(key(poolName, id, remoteAddress));
    if (removed != null) {
      removed.forEach(registry::remove);
    }
  }

  private Meter gauge(
      String suffix,
      String description,
      Tags tags,
      ConnectionPoolMetrics metrics,
      ToDoubleFunction<ConnectionPoolMetrics> value) {
    return Gauge.builder(PREFIX + suffix, metrics, value)
        .description(description)
        .tags(tags)
        .register(registry);
  }

  private static String key(String poolName, String id, SocketAddress remoteAddress) {
    return poolName + "|" + id + "|" + address(remoteAddress);
  }

  private static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }
}
