package dev.wandb4j.spring;

import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbNotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Auto-configures a {@link WandbClient} from the {@code wandb.*} properties, closed with the
 * application context. It runs on the application's Reactor Netty event loops when Spring provides
 * them (never disposing them) and keeps a connection pool of its own; with Micrometer present it
 * records {@link MicrometerWandbListener}'s metrics and publishes Reactor Netty's pool metrics.
 */
@AutoConfiguration
@ConditionalOnClass(WandbClient.class)
@EnableConfigurationProperties(WandbProperties.class)
public class WandbAutoConfiguration {
  /**
   * The client.
   *
   * @param properties the {@code wandb.*} properties
   * @param resources the application's Reactor Netty resources, if any
   * @param customizers adjustments to the builder
   * @return the client
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public WandbClient wandbClient(
      WandbProperties properties,
      ObjectProvider<ReactorResourceFactory> resources,
      ObjectProvider<WandbClientBuilderCustomizer> customizers) {
    WandbClient.Builder b =
        WandbClient.builder()
            .timeout(properties.getTimeout())
            .connectTimeout(properties.getConnectTimeout())
            .readTimeout(properties.getReadTimeout())
            .maxRetries(properties.getMaxRetries())
            .retryBackoff(properties.getRetryFirstBackoff(), properties.getRetryMaxBackoff())
            .maxRetryAfter(properties.getMaxRetryAfter())
            .maxConnections(properties.getMaxConnections());
    if (properties.getBaseUrl() != null && !properties.getBaseUrl().isBlank()) {
      b.baseUrl(properties.getBaseUrl());
    }
    if (properties.getApiKey() != null && !properties.getApiKey().isBlank()) {
      b.apiKey(properties.getApiKey());
    }
    ReactorResourceFactory shared = resources.getIfAvailable();
    if (properties.isShareEventLoops() && shared != null && shared.getLoopResources() != null) {
      b.loopResources(shared.getLoopResources());
    }
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * In a WebFlux application, a file, run or project W&amp;B does not have is answered with 404 Not
   * Found, not 500: a {@link WandbNotFoundException} that a handler does not catch becomes a {@link
   * ResponseStatusException}, which Spring Boot's error handling renders.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.server.WebExceptionHandler")
  static class NotFound {
    /** Before Spring Boot's error handler, which runs at order -1. */
    static final int ORDER = -2;

    @Bean
    @ConditionalOnMissingBean(name = "wandbNotFoundHandler")
    @Order(ORDER)
    WebExceptionHandler wandbNotFoundHandler() {
      return (exchange, e) ->
          Mono.error(
              e instanceof WandbNotFoundException
                  ? new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage(), e)
                  : e);
    }
  }

  /** Metrics, when Micrometer is on the class path and the application has a registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    WandbClientBuilderCustomizer wandbMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
      return builder -> {
        MeterRegistry r = registry.getIfAvailable();
        if (r != null) {
          builder.listener(new MicrometerWandbListener(r)).connectionPoolMetrics(true);
        }
      };
    }
  }
}
