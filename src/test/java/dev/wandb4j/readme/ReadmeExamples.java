package dev.wandb4j.readme;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.File;
import dev.wandb4j.FilePage;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Project;
import dev.wandb4j.ProxyOptions;
import dev.wandb4j.Run;
import dev.wandb4j.RunQuery;
import dev.wandb4j.UploadOptions;
import dev.wandb4j.UploadResult;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbDeleteException;
import dev.wandb4j.spring.WandbErrorStatus;
import dev.wandb4j.spring.WandbFileResponses;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The code shown in README.md, kept here so that the compiler checks it. Each snippet lies between
 * a {@code // --- name} line and a {@code // --- end} line; {@code ReadmeTest} checks that the
 * README's Java blocks are exactly these snippets, so the README never shows code that does not
 * build.
 */
public final class ReadmeExamples {
  private ReadmeExamples() {}

  static void listing(WandbClient wandb) {
    // --- listing
    Run run = wandb.run("acme/vision/1x2y3z"); // a handle: no request yet

    run.files() // Flux<File>: pages of 50, fetched as demand needs them
        .filter(f -> f.size() < 1_000_000)
        .map(f -> f.name() + " " + f.size())
        .doOnNext(System.out::println)
        .blockLast(); // block only at the edge of your program

    Flux<File> json = run.files(FileQuery.builder().pattern("%.json").perPage(200).build());
    Mono<File> one = run.file("media/images/a.png"); // WandbNotFoundException if absent
    Mono<Long> count = run.fileCount(); // all of the run's files, whatever the filter
    // --- end
    json.blockLast();
    one.block();
    count.block();
  }

  static WandbClient transport() {
    // --- transport
    WandbClient wandb =
        WandbClient.builder()
            .proxy(
                ProxyOptions.http("proxy.example.com", 3128) // default: HTTPS_PROXY etc.
                    .credentials("user", System.getenv("PROXY_PASSWORD"))
                    .nonProxyHosts(List.of("localhost", ".internal.example.com")))
            .http2(true) // default: false (see below)
            .httpClientCustomizer(http -> http.wiretap(true)) // escape hatch
            .build();
    // --- end
    return wandb;
  }

  static String savedCursor(Run run) {
    // --- cursor
    FilePage first = run.filePages(FileQuery.DEFAULT).blockFirst();
    String cursor = first.endCursor(); // persist it anywhere

    // later, even in another process:
    run.filePages(FileQuery.DEFAULT, cursor)
        .flatMapIterable(FilePage::files)
        .doOnNext(f -> System.out.println(f.name()))
        .blockLast();
    // --- end
    return cursor;
  }

  static long deleting(Run run) {
    // --- delete
    FileQuery tmp = FileQuery.builder().pattern("media/tmp/%").build();
    long deleted;
    try {
      deleted = run.deleteFiles(tmp).block(); // lists every match, then 100 per mutation
    } catch (WandbDeleteException e) {
      deleted = e.deletedCount(); // deleted before the error, which is e.getCause()
    }
    // run.deleteFiles(tmp, 500): larger batches; run.deleteFiles(files): any Publisher<File>
    // --- end
    return deleted;
  }

  static void downloading(Run run) {
    // --- download
    Path root = Path.of("downloads");

    // one file
    Path p = run.file("model.ckpt").flatMap(f -> f.download(root)).block();

    // with options: replace what is there, report progress
    DownloadOptions options =
        DownloadOptions.builder()
            .replace(true)
            .progress(pr -> System.out.printf("%s %.0f%%%n", pr.file().name(), 100 * pr.fraction()))
            .build();
    run.file("model.ckpt").flatMap(f -> f.download(root, options)).block();

    // a whole run, eight at a time
    run.files().flatMap(f -> f.download(root), 8).blockLast();
    // --- end
    System.out.println(p);
  }

  static Flux<ByteBuf> streaming(File f) {
    // --- content
    // In a WebFlux handler: stream the file to the response without touching disk.
    // The subscriber owns each buffer; Reactor Netty's send() releases them.
    // return response.send(f.content());
    Flux<ByteBuf> body = f.content();
    // --- end
    return body;
  }

  static void bulk(Run run) {
    // --- bulk
    run.downloadAll(
            Path.of("run"),
            FileQuery.DEFAULT,
            DownloadOptions.builder().sync(true).build(),
            16,
            p ->
                System.out.printf(
                    "%d/%d files, %.1f MiB/s%n",
                    p.filesDone(), p.filesTotal(), p.bytesPerSecond() / (1 << 20)))
        .filter(DownloadResult::isFailed)
        .doOnNext(r -> System.err.println(r.file().name() + ": " + r.error().getMessage()))
        .blockLast();
    // --- end
  }

  static void project(WandbClient wandb) {
    // --- project
    Project project = wandb.project("acme/vision");
    RunQuery finished =
        RunQuery.builder().states("finished").tags("baseline").order("+created_at").build();
    project.runs(finished).map(r -> r.path().runId() + " " + r.displayName()).take(5).blockLast();
    long runs = project.runCount(finished).block();

    project
        .downloadAll(
            Path.of("export"), // export/<runId>/<file name>
            finished,
            FileQuery.builder().pattern("%.json").build(),
            DownloadOptions.builder().sync(true).build(), // a re-run fetches only what is missing
            32,
            p -> System.out.printf("%d/%d files%n", p.filesDone(), p.filesTotal()))
        .filter(DownloadResult::isFailed)
        .doOnNext(r -> System.err.println(r.file().run().path() + " " + r.file().name()))
        .blockLast();
    // --- end
    System.out.println(runs);
  }

  static void uploading(Run run) {
    // --- upload
    // one file, under the name it is to have in the run: the file as W&B now lists it
    File uploaded = run.upload(Path.of("out/metrics.json"), "eval/metrics.json").block();

    // a folder, eight files at a time: out/a/b.png becomes eval/a/b.png; with sync, the files
    // W&B already has with the same size and MD5 are left alone
    run.uploadAll(
            Path.of("out"),
            UploadOptions.builder().namePrefix("eval/").sync(true).build(),
            8,
            p -> System.out.printf("%d/%d files%n", p.filesDone(), p.filesTotal()))
        .filter(UploadResult::isFailed)
        .doOnNext(r -> System.err.println(r.name() + ": " + r.error().getMessage()))
        .blockLast();
    // --- end
    uploaded.md5();
  }

  static void emulator(byte[] bytes) {
    // --- emulator
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/demo/r1");
      run.addFile("media/a.png", bytes); // or a Path (served with sendfile)
      run.addGeneratedFile("model.ckpt", 10L << 30); // 10 GiB, no memory, real MD5
      run.file("model.ckpt").faults().resetAfter(1 << 20, 1); // cut the next body after 1 MiB
      emu.faults().failNext(2, 503).graphQlLatency(Duration.ofMillis(20));

      emu.client().run("acme/demo/r1").files().collectList().block();
      emu.requests(); // method, path, auth present, operation, variables
    }
    // --- end
  }

  static void configuring() {
    // --- configure
    try (WandbClient wandb =
        WandbClient.builder()
            .baseUrl("https://wandb.example.com") // default: WANDB_BASE_URL, else api.wandb.ai
            .apiKey(System.getenv("MY_WANDB_KEY")) // default: WANDB_API_KEY, else ~/.netrc
            .maxConnections(32)
            .maxRetries(8)
            .build()) {
      wandb.run("acme/vision/1x2y3z").fileCount().block();
    }
    // --- end
  }

  static void shortLivedProgram() {
    // --- short-lived
    LoopResources loops = LoopResources.create("downloads");
    try (WandbClient wandb = WandbClient.builder().loopResources(loops).build()) {
      wandb
          .run("acme/vision/1x2y3z")
          .downloadAll(Path.of("run"), FileQuery.DEFAULT, DownloadOptions.DEFAULT, 16)
          .blockLast();
    }
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block();
    System.exit(0); // HotSpot waits up to 0.3 s at exit for threads still in native code
    // --- end
  }

  static Path checkedExceptions(Run run, Path root) throws IOException {
    // --- unwrap
    try {
      return run.file("model.ckpt").flatMap(f -> f.download(root)).block();
    } catch (RuntimeException e) {
      // block() wraps a checked exception, such as the FileAlreadyExistsException of a file
      // that is already there, in a RuntimeException; Exceptions.unwrap gives it back.
      Throwable cause = Exceptions.unwrap(e);
      if (cause instanceof FileAlreadyExistsException) {
        return root.resolve("model.ckpt"); // keep the one we have
      }
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      throw e;
    }
    // --- end
  }

  // --- spring-proxy
  @RestController
  static class Checkpoints {
    private final WandbClient wandb;
    private final WandbFileResponses files;

    Checkpoints(WandbClient wandb, WandbFileResponses files) {
      this.wandb = wandb;
      this.files = files;
    }

    // GET and HEAD, ranges and preconditions; a missing file is a 404, W&B's failures 502-504
    @GetMapping("/checkpoints/{name}")
    Mono<Void> checkpoint(@PathVariable("name") String name, ServerWebExchange exchange) {
      return files.write(wandb.run("acme/vision/1x2y3z").file("checkpoints/" + name), exchange);
    }

    // JSON without URLs; a WandbException here gets the same statuses (WandbExceptionHandler)
    @GetMapping("/checkpoints")
    Flux<File> list() {
      return wandb
          .run("acme/vision/1x2y3z")
          .files(FileQuery.builder().pattern("checkpoints/%").build());
    }
  }

  // Optional: statuses of your own; here a refused API key is "unavailable", not "bad gateway"
  @Bean
  static WandbErrorStatus wandbErrorStatus() {
    WandbErrorStatus standard = WandbErrorStatus.defaults();
    return e ->
        e instanceof WandbAuthenticationException
            ? HttpStatus.SERVICE_UNAVAILABLE
            : standard.statusFor(e);
  }
  // --- end
}
