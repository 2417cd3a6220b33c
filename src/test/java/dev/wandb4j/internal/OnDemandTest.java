package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class OnDemandTest {
  /** Page {@code p} of 201 items, 50 a page, computed on another thread as an HTTP answer is. */
  private static Mono<List<Integer>> page(int p) {
    return Mono.fromCallable(
            () ->
                IntStream.range(p * 50, Math.min(201, p * 50 + 50))
                    .boxed()
                    .collect(Collectors.toList()))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static Flux<List<Integer>> pages() {
    return FilesApi.onDemand(() -> page(0))
        .expand(
            items -> {
              int last = items.get(items.size() - 1);
              return last < 200 ? FilesApi.onDemand(() -> page(last / 50 + 1)) : Mono.empty();
            });
  }

  @Test
  void startsItsSourceOnlyOnceRequested() {
    AtomicInteger started = new AtomicInteger();
    Mono<Integer> mono =
        FilesApi.onDemand(
            () -> {
              started.incrementAndGet();
              return Mono.just(1);
            });

    StepVerifier.create(mono, 0)
        .expectSubscription()
        .then(() -> assertThat(started).hasValue(0))
        .thenRequest(1)
        .expectNext(1)
        .verifyComplete();
    assertThat(started).hasValue(1);
  }

  @Test
  void neverLosesAPageWhenItsValueRacesTheRequest() {
    // Requests come from many threads while each page completes on another: a page whose value
    // and completion both land while its request is still being made must still be emitted.
    for (int round = 0; round < 300; round++) {
      List<Integer> items =
          pages()
              .concatMap(Flux::fromIterable, 0)
              .flatMap(i -> Mono.just(i).subscribeOn(Schedulers.parallel()), 16)
              .collectList()
              .block(Duration.ofSeconds(10));
      assertThat(items).as("round %d", round).hasSize(201).doesNotHaveDuplicates();
    }
  }
}
