package dev.wandb4j.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Lookups by key sent in batches without waiting for a batch to fill: the first key goes at once,
 * and keys asked for while a batch is in flight go together in the next, up to a maximum. Under
 * load, batches grow by themselves; alone, a key waits for no one. Thread-safe.
 *
 * @param <K> the key
 * @param <V> what is found for it
 */
final class BatchedLookups<K, V> {
  private final int maxBatch;
  private final Function<List<K>, Mono<Map<K, V>>> lookup;
  private final Queue<Waiting<K, V>> queue = new ArrayDeque<>();
  private boolean inFlight;

  private record Waiting<K, V>(K key, MonoSink<V> sink) {}

  /**
   * Creates the lookups.
   *
   * @param maxBatch the most keys in one lookup
   * @param lookup finds what it can of the keys; a key missing from its map is not found
   */
  BatchedLookups(int maxBatch, Function<List<K>, Mono<Map<K, V>>> lookup) {
    this.maxBatch = maxBatch;
    this.lookup = lookup;
  }

  /**
   * What is found for a key, with the keys asked for about the same time.
   *
   * @return the value; empty if the lookup did not find the key; the lookup's error if it failed
   */
  Mono<V> get(K key) {
    return Mono.create(
        sink -> {
          synchronized (this) {
            queue.add(new Waiting<>(key, sink));
          }
          next();
        });
  }

  /** Sends the next batch unless one is in flight. */
  private void next() {
    List<Waiting<K, V>> batch = new ArrayList<>();
    synchronized (this) {
      if (inFlight || queue.isEmpty()) {
        return;
      }
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
      inFlight = true;
    }
    List<K> keys = new ArrayList<>(batch.size());
    for (Waiting<K, V> w : batch) {
      if (!keys.contains(w.key())) {
        keys.add(w.key());
      }
    }
    Mono<Map<K, V>> sent;
    try {
      sent = lookup.apply(keys);
    } catch (RuntimeException e) {
      sent = Mono.error(e);
    }
    sent.defaultIfEmpty(Map.of())
        .subscribe(
            found -> {
              done();
              for (Waiting<K, V> w : batch) {
                V v = found.get(w.key());
                if (v == null) {
                  w.sink().success();
                } else {
                  w.sink().success(v);
                }
              }
            },
            e -> {
              done();
              for (Waiting<K, V> w : batch) {
                w.sink().error(e);
              }
            },
            () -> {});
  }

  private void done() {
    synchronized (this) {
      inFlight = false;
    }
    next();
  }
}
