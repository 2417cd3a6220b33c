package dev.wandb4j.spring.app;

import dev.wandb4j.WandbClient;
import dev.wandb4j.spring.WandbFileResponses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** A WebFlux application that proxies W&amp;B files, as the README shows. */
@SpringBootApplication
public class ProxyApplication {
  @Bean
  MeterRegistry meterRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    return registry;
  }

  /** The proxy endpoint: {@code /runs/{entity}/{project}/{run}/files/{name}}. */
  @RestController
  static class FileProxy {
    private final WandbClient wandb;

    FileProxy(WandbClient wandb) {
      this.wandb = wandb;
    }

    @GetMapping("/runs/{entity}/{project}/{run}/files/{*name}")
    Mono<Void> file(
        @PathVariable("entity") String entity,
        @PathVariable("project") String project,
        @PathVariable("run") String run,
        @PathVariable("name") String name,
        ServerWebExchange exchange) {
      return wandb
          .run(entity + "/" + project + "/" + run)
          .file(name.substring(1))
          .flatMap(f -> WandbFileResponses.write(f, exchange));
    }
  }
}
