package dev.wandb4j.spring.app;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.File;
import dev.wandb4j.FilePage;
import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.spring.WandbFileResponses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A WebFlux application that proxies W&amp;B files, as the README shows, and returns them as JSON.
 */
@SpringBootApplication
public class ProxyApplication {
  @Bean
  MeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }

  /** The proxy endpoint: {@code /runs/{entity}/{project}/{run}/files/{name}}. */
  @RestController
  static class FileProxy {
    private final WandbClient wandb;
    private final WandbFileResponses responses;

    FileProxy(WandbClient wandb, WandbFileResponses responses) {
      this.wandb = wandb;
      this.responses = responses;
    }

    @GetMapping("/runs/{entity}/{project}/{run}/files/{*name}")
    Mono<Void> file(
        @PathVariable("entity") String entity,
        @PathVariable("project") String project,
        @PathVariable("run") String run,
        @PathVariable("name") String name,
        ServerWebExchange exchange) {
      Mono<File> file = wandb.run(entity + "/" + project + "/" + run).file(name.substring(1));
      return responses.write(file, exchange);
    }
  }

  /** Files as JSON, and the run's file count: errors here go to the exception handler. */
  @RestController
  static class FileInfo {
    private final WandbClient wandb;

    FileInfo(WandbClient wandb) {
      this.wandb = wandb;
    }

    @GetMapping("/runs/{entity}/{project}/{run}/info/{*name}")
    Mono<File> info(
        @PathVariable("entity") String entity,
        @PathVariable("project") String project,
        @PathVariable("run") String run,
        @PathVariable("name") String name) {
      return wandb.run(entity + "/" + project + "/" + run).file(name.substring(1));
    }

    @GetMapping("/runs/{entity}/{project}/{run}/pages/first")
    Mono<FilePage> firstPage(
        @PathVariable("entity") String entity,
        @PathVariable("project") String project,
        @PathVariable("run") String run) {
      return wandb
          .run(entity + "/" + project + "/" + run)
          .filePages(FileQuery.builder().perPage(2).build())
          .next();
    }

    @GetMapping("/runs/{entity}/{project}/{run}/count")
    Mono<Long> count(
        @PathVariable("entity") String entity,
        @PathVariable("project") String project,
        @PathVariable("run") String run) {
      return wandb.run(entity + "/" + project + "/" + run).fileCount();
    }

    /** Downloads one file into a fresh folder and answers what happened, as JSON. */
    @PostMapping("/runs/{entity}/{project}/{run}/downloads/{*name}")
    Mono<DownloadResult> download(
        @PathVariable("entity") String entity,
        @PathVariable("project") String project,
        @PathVariable("run") String run,
        @PathVariable("name") String name) {
      return Mono.fromCallable(() -> Files.createTempDirectory("wandb4j-spring"))
          .subscribeOn(Schedulers.boundedElastic())
          .flatMap(
              (Path root) ->
                  wandb
                      .run(entity + "/" + project + "/" + run)
                      .downloadAll(
                          root,
                          FileQuery.builder().names(List.of(name.substring(1))).build(),
                          DownloadOptions.DEFAULT,
                          1)
                      .next());
    }
  }
}
