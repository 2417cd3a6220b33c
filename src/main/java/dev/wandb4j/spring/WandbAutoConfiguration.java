package dev.wandb4j.spring;

import dev.wandb4j.ProxyOptions;
import dev.wandb4j.WandbClient;
import dev.wandb4j.WandbClientListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.server.ServerWebExchange;

/**
 * Auto-configures a {@link WandbClient} from the {@code wandb.*} properties, closed with the
 * application context; {@code wandb.enabled=false} turns all of it off.
 *
 * <ul>
 *   <li>The client runs on the application's Reactor Netty event loops when Spring provides them
 *       (never disposing them) and keeps a connection pool of its own. Its transport is set by
 *       {@code wandb.http2}, {@code wandb.allow-plain-http} and {@code wandb.http-proxy.*} (by
 *       default the environment's proxy); a {@link WandbClientBuilderCustomizer} reaches the rest,
 *       such as {@code httpClientCustomizer}.
 *   <li>It is built even without an API key, so that an application (and its tests) starts without
 *       W&amp;B credentials: each call then fails with {@link
 *       dev.wandb4j.error.WandbAuthenticationException}, saying how to give a key, and sends
 *       nothing.
 *   <li>Every {@link WandbClientListener} bean hears the client, as do the listeners that {@link
 *       WandbClientBuilderCustomizer} beans add; with Micrometer, so do {@link
 *       MicrometerWandbListener} (counters, and the pool's gauges in the application's registry)
 *       and, given an {@link ObservationRegistry}, {@link ObservationWandbListener}.
 *   <li>In a reactive web application: {@link WandbFileResponses}, {@link WandbErrorStatus} and
 *       {@link WandbExceptionHandler}, each replaced by a bean of the application's own.
 * </ul>
 */
@AutoConfiguration
@ConditionalOnClass(WandbClient.class)
@ConditionalOnProperty(
    prefix = WandbProperties.PREFIX,
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(WandbProperties.class)
public class WandbAutoConfiguration {
  /**
   * The client.
   *
   * @param properties the {@code wandb.*} properties
   * @param resources the application's Reactor Netty resources, if any
   * @param listeners listener beans, in their order
   * @param customizers adjustments to the builder, in their order
   * @return the client
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public WandbClient wandbClient(
      WandbProperties properties,
      ObjectProvider<ReactorResourceFactory> resources,
      ObjectProvider<WandbClientListener> listeners,
      ObjectProvider<WandbClientBuilderCustomizer> customizers) {
    WandbClient.Builder b =
        WandbClient.builder()
            .timeout(properties.getTimeout())
            .connectTimeout(properties.getConnectTimeout())
            .readTimeout(properties.getReadTimeout())
            .maxRetries(properties.getMaxRetries())
            .retryBackoff(properties.getRetryFirstBackoff(), properties.getRetryMaxBackoff())
            .maxRetryAfter(properties.getMaxRetryAfter())
            .maxConnections(properties.getMaxConnections())
            .http2(properties.isHttp2())
            .allowPlainHttp(properties.isAllowPlainHttp())
            .allowMissingApiKey(true);
    ProxyOptions proxy = properties.getHttpProxy().options();
    if (proxy != null) {
      b.proxy(proxy);
    }
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
    listeners.orderedStream().forEach(b::listener);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** Counters and pool gauges, when Micrometer is on the class path and there is a registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    WandbClientBuilderCustomizer wandbMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
      return builder -> {
        MeterRegistry r = registry.getIfAvailable();
        if (r != null) {
          builder.listener(new MicrometerWandbListener(r)).connectionPoolMetrics(new PoolMeters(r));
        }
      };
    }
  }

  /** An observation for every call and transfer, when there is an observation registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  static class Observations {
    @Bean
    WandbClientBuilderCustomizer wandbObservationCustomizer(
        ObjectProvider<ObservationRegistry> registry,
        ObjectProvider<WandbObservationConvention> convention) {
      return builder -> {
        ObservationRegistry r = registry.getIfAvailable();
        if (r != null && r != ObservationRegistry.NOOP) {
          builder.listener(new ObservationWandbListener(r, convention.getIfAvailable()));
        }
      };
    }
  }

  /** The proxy helper and the error answers of a reactive web application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(ServerWebExchange.class)
  static class Web {
    @Bean
    @ConditionalOnMissingBean
    WandbErrorStatus wandbErrorStatus() {
      return WandbErrorStatus.defaults();
    }

    @Bean
    @ConditionalOnMissingBean
    WandbFileResponses wandbFileResponses(WandbProperties properties, WandbErrorStatus statuses) {
      return WandbFileResponses.of(properties.getProxy().getInlineTypes(), statuses);
    }

    @Bean
    @ConditionalOnMissingBean
    WandbExceptionHandler wandbExceptionHandler(WandbErrorStatus statuses) {
      return new WandbExceptionHandler(statuses);
    }
  }
}
