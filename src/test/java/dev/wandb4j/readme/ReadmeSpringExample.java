package dev.wandb4j.readme;

import dev.wandb4j.WandbClient;
import dev.wandb4j.spring.WandbFileResponses;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The Spring WebFlux example of README.md, compiled against both Spring Boot versions. */
final class ReadmeSpringExample {
  private ReadmeSpringExample() {}

  // --- spring
  @RestController
  class Checkpoints {
    private final WandbClient wandb;

    Checkpoints(WandbClient wandb) {
      this.wandb = wandb;
    }

    @GetMapping("/checkpoints/{name}")
    Mono<Void> checkpoint(@PathVariable("name") String name, ServerWebExchange exchange) {
      return wandb
          .run("acme/vision/1x2y3z")
          .file("checkpoints/" + name)
          .flatMap(file -> WandbFileResponses.write(file, exchange));
    }
  }
  // --- end
}
