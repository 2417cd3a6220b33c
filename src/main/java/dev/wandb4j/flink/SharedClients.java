package dev.wandb4j.flink;

import dev.wandb4j.WandbClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clients of one task manager: readers with equal connections share one {@link WandbClient}
 * (one connection pool, one memory budget for downloads), counted by leases; the last lease to be
 * closed closes the client. Flink loads a job's classes in a class loader of its own, so the
 * clients are shared by the readers of one job in one task manager.
 */
final class SharedClients {
  /** How long closing the last lease waits for downloads in flight to clean up. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Map<WandbConnection, Shared> CLIENTS = new HashMap<>();

  private SharedClients() {}

  /**
   * A lease on the client for a connection, opened on first use.
   *
   * @param connection the settings
   * @return a lease, to be closed once
   */
  static Lease acquire(WandbConnection connection) {
    synchronized (CLIENTS) {
      Shared shared = CLIENTS.get(connection);
      if (shared == null) {
        shared = new Shared(connection.open());
        CLIENTS.put(connection, shared);
      }
      shared.leases++;
      return new Lease(connection, shared);
    }
  }

  /** How many clients are open, for tests. */
  static int openClients() {
    synchronized (CLIENTS) {
      return CLIENTS.size();
    }
  }

  private static void release(WandbConnection connection, Shared shared) {
    boolean last;
    synchronized (CLIENTS) {
      last = --shared.leases == 0;
      if (last) {
        CLIENTS.remove(connection);
      }
    }
    if (last) {
      // Outside the lock: closing waits for downloads in flight to remove their part files.
      shared.client.closeAsync().block(CLOSE_TIMEOUT);
    }
  }

  private static final class Shared {
    final WandbClient client;
    int leases;

    Shared(WandbClient client) {
      this.client = client;
    }
  }

  /** One holder's use of a shared client. */
  static final class Lease implements AutoCloseable {
    private final WandbConnection connection;
    private final Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(WandbConnection connection, Shared shared) {
      this.connection = connection;
      this.shared = shared;
    }

    WandbClient client() {
      return shared.client;
    }

    /** Gives the lease back; the last one closes the client. Idempotent. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release(connection, shared);
      }
    }
  }
}
