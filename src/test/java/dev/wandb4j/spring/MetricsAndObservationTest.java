package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.BIG;
import static dev.wandb4j.spring.SharedEmulator.EMU;
import static dev.wandb4j.spring.SharedEmulator.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbHttpException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.netty.buffer.ByteBuf;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * Micrometer: an observation (a timer, and a span with tracing) for every GraphQL call and
 * transfer, tagged as Spring tags its own, under the caller's observation; counters named without
 * unit clashes; failures of W&amp;B only; the connection pool in the application's registry.
 */
class MetricsAndObservationTest {
  private final List<Observation.Context> seen = new CopyOnWriteArrayList<>();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class))
        .withPropertyValues(
            "wandb.base-url=" + EMU.baseUrl(),
            "wandb.api-key=" + EMU.apiKey(),
            "wandb.max-retries=1",
            "wandb.retry-first-backoff=10ms",
            "wandb.retry-max-backoff=20ms")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(ObservationRegistry.class, ObservationRegistry::create);
  }

  @BeforeEach
  void clear() {
    SharedEmulator.reset();
  }

  private void observe(ObservationRegistry registry, MeterRegistry meters) {
    registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public void onStop(Observation.Context context) {
                seen.add(context);
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
  }

  private static long drain(Flux<ByteBuf> body) {
    return body.map(
            b -> {
              int n = b.readableBytes();
              b.release();
              return (long) n;
            })
        .reduce(0L, Long::sum)
        .block(Duration.ofSeconds(20));
  }

  @Test
  void everyCallAndTransferIsTimedWithOperationOutcomeAndException() {
    runner()
        .run(
            ctx -> {
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              ObservationRegistry registry = ctx.getBean(ObservationRegistry.class);
              observe(registry, meters);
              WandbClient client = ctx.getBean(WandbClient.class);
              Observation parent = Observation.start("http.server.requests", registry);
              long read =
                  drain(
                      client
                          .run("acme/proj/r1")
                          .file(TEXT.name())
                          .flatMapMany(File::content)
                          .contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, parent)));
              parent.stop();
              assertThat(read).isEqualTo(TEXT.size());

              Timer graphql =
                  meters
                      .get("wandb4j.operations")
                      .tags("operation", "graphql", "outcome", "SUCCESS", "exception", "none")
                      .timer();
              Timer download =
                  meters
                      .get("wandb4j.operations")
                      .tags("operation", "download", "outcome", "SUCCESS", "exception", "none")
                      .timer();
              assertThat(graphql.count()).isEqualTo(1);
              assertThat(download.count()).isEqualTo(1);
              assertThat(seen)
                  .filteredOn(c -> c.getName().equals("wandb4j.operations"))
                  .hasSize(2)
                  .allSatisfy(c -> assertThat(c.getParentObservation()).isSameAs(parent));
            });
  }

  @Test
  void aFailedTransferIsTimedWithItsException() {
    runner()
        .run(
            ctx -> {
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              observe(ctx.getBean(ObservationRegistry.class), meters);
              WandbClient client = ctx.getBean(WandbClient.class);
              File big = client.run("acme/proj/r1").file(BIG.name()).block(Duration.ofSeconds(20));
              BIG.faults().failNext(2, 500);
              assertThatThrownBy(() -> drain(big.content())).isInstanceOf(WandbHttpException.class);
              assertThat(
                      meters
                          .get("wandb4j.operations")
                          .tags(
                              "operation",
                              "download",
                              "outcome",
                              "ERROR",
                              "exception",
                              "WandbHttpException")
                          .timer()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      meters
                          .get("wandb4j.failures")
                          .tags("operation", "download", "exception", "WandbHttpException")
                          .counter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      meters
                          .get("wandb4j.retries")
                          .tags("operation", "download", "exception", "WandbHttpException")
                          .counter()
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void aTargetThatExistsIsNotAFailureOfWandb(@TempDir Path root) {
    runner()
        .run(
            ctx -> {
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              WandbClient client = ctx.getBean(WandbClient.class);
              File text =
                  client.run("acme/proj/r1").file(TEXT.name()).block(Duration.ofSeconds(20));
              text.download(root).block(Duration.ofSeconds(20));
              assertThatThrownBy(() -> text.download(root).block(Duration.ofSeconds(20)))
                  .hasCauseInstanceOf(FileAlreadyExistsException.class);
              assertThat(meters.find("wandb4j.failures").counters()).isEmpty();
            });
  }

  @Test
  void countersAreNamedWithoutUnitsAndThePoolReportsToTheApplicationsRegistry() {
    runner()
        .run(
            ctx -> {
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              WandbClient client = ctx.getBean(WandbClient.class);
              client.run("acme/proj/r1").files().collectList().block(Duration.ofSeconds(20));
              Set<String> names =
                  meters.getMeters().stream()
                      .map(m -> m.getId().getName())
                      .filter(n -> n.startsWith("wandb4j."))
                      .collect(Collectors.toSet());
              assertThat(names)
                  .contains(
                      "wandb4j.pages.fetched", "wandb4j.files.listed", "wandb4j.data.received")
                  .allSatisfy(n -> assertThat(n).doesNotContain("bytes"));
              Meter received = meters.get("wandb4j.data.received").counter();
              assertThat(received.getId().getBaseUnit()).isEqualTo("bytes");
              assertThat(
                      meters
                          .find("reactor.netty.connection.provider.total.connections")
                          .tag("name", "wandb4j")
                          .gauge())
                  .isNotNull();
            });
  }
}
