package dev.wandb4j.spring;

import static dev.wandb4j.spring.SharedEmulator.EMU;
import static dev.wandb4j.spring.SharedEmulator.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.WandbClient;
import dev.wandb4j.WandbClientListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every listener hears every event: one added by a customizer, one declared as a bean, and the
 * starter's Micrometer listener.
 */
class ListenerCompositionTest {
  @Test
  void aCustomizersListenerABeanListenerAndMicrometerAllHearEveryEvent() {
    RecordingListener customized = new RecordingListener();
    RecordingListener declared = new RecordingListener();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WandbAutoConfiguration.class))
        .withPropertyValues("wandb.base-url=" + EMU.baseUrl(), "wandb.api-key=" + EMU.apiKey())
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(WandbClientBuilderCustomizer.class, () -> b -> b.listener(customized))
        .withBean(WandbClientListener.class, () -> declared)
        .run(
            ctx -> {
              WandbClient client = ctx.getBean(WandbClient.class);
              assertThat(
                      client
                          .run("acme/proj/r1")
                          .files()
                          .collectList()
                          .block(Duration.ofSeconds(20)))
                  .hasSize(SharedEmulator.RUN.fileCount());
              Long read =
                  client
                      .run("acme/proj/r1")
                      .file(TEXT.name())
                      .flatMapMany(f -> f.content())
                      .map(
                          (ByteBuf b) -> {
                            int n = b.readableBytes();
                            b.release();
                            return (long) n;
                          })
                      .reduce(0L, Long::sum)
                      .block(Duration.ofSeconds(20));
              assertThat(read).isEqualTo(TEXT.size());

              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              assertThat(customized.bytes).hasValue(TEXT.size());
              assertThat(declared.bytes).hasValue(TEXT.size());
              assertThat(meters.get("wandb4j.data.received").counter().count())
                  .isEqualTo(TEXT.size());
              assertThat(customized.pages).hasValue(1);
              assertThat(declared.pages).hasValue(1);
              assertThat(meters.get("wandb4j.pages.fetched").counter().count()).isEqualTo(1);
            });
  }
}
