package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.Run;
import dev.wandb4j.UploadOptions;
import dev.wandb4j.UploadResult;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.ForkedJvm;
import dev.wandb4j.testing.TestClients;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The local side of an upload going wrong: a file changed or cut short while it is being sent, and
 * a file that cannot be read. Each ends in bounded time with a {@link WandbTransferException} that
 * says what happened, and is not sent again.
 */
class UploadLocalFilesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private WandbEmulator emu;
  private WandbClient client;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emu.run("acme/proj/r1");
    client = TestClients.builder(emu.baseUrl()).apiKey(emu.apiKey()).build();
    run = client.run("acme/proj/r1");
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  private Path file(String name, int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  private long puts() {
    return emu.requests().stream().filter(r -> r.method().equals("PUT")).count();
  }

  /** Waits until storage has begun to receive a PUT, then changes the file. */
  private void whileSending(Runnable change) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (puts() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(150);
    change.run();
  }

  @Test
  void aFileChangedInPlaceWhileItIsSentFailsSayingSoAndIsNotSentAgain() throws Exception {
    Path local = file("model.bin", 1 << 20);
    emu.uploadFaults().throttle(1 << 20); // a second for the body

    Mono<dev.wandb4j.File> upload = run.upload(local, "model.bin").cache();
    upload.subscribe(f -> {}, e -> {});
    whileSending(
        () -> {
          try (RandomAccessFile raf = new RandomAccessFile(local.toFile(), "rw")) {
            raf.seek(100);
            raf.write(new byte[] {1, 2, 3});
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });

    StepVerifier.create(upload)
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(WandbTransferException.class)
                  .hasMessageContaining("file 'model.bin' of run acme/proj/r1")
                  .hasMessageContaining("the local file changed while it was being uploaded")
                  .hasMessageContaining("upload it again");
              assertThat(((WandbTransferException) e).isRetryable()).isFalse();
            })
        .verify(WAIT);
    // What storage received is what was read before the change: the check comes after the PUT.
    assertThat(puts()).isEqualTo(1);
  }

  @Test
  void aFileCutShortWhileItIsSentFailsSayingSoInBoundedTime() throws Exception {
    // Larger than what the socket buffers on both sides hold, so that the cut is met mid-send.
    Path local = file("log.txt", 24 << 20);
    emu.uploadFaults().throttle(12 << 20);

    Mono<dev.wandb4j.File> upload = run.upload(local, "log.txt").cache();
    upload.subscribe(f -> {}, e -> {});
    whileSending(
        () -> {
          try (RandomAccessFile raf = new RandomAccessFile(local.toFile(), "rw")) {
            raf.setLength(1000);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });

    StepVerifier.create(upload)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("file 'log.txt' of run acme/proj/r1")
                    .hasMessageContaining("changed while it was being uploaded"))
        .verify(WAIT);
    // Storage keeps nothing of a body cut short.
    assertThat(emu.run("acme/proj/r1").files()).isEmpty();
  }

  @Test
  void anUnreadableFileIsRefusedBeforeAnythingIsSentAndTheOthersOfAFolderGoOn() throws Exception {
    // Root reads anything: without the capabilities that let it, it reads as any user does.
    boolean root = "root".equals(System.getProperty("user.name"));
    ForkedJvm.Result r =
        ForkedJvm.run(
            root
                ? List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search")
                : List.of(),
            Unreadable.class,
            List.of(),
            Duration.ofMinutes(2),
            dir.toString());

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains(
            "one: WandbTransferException: Cannot upload "
                + dir.resolve("secret.bin")
                + " as 'secret.bin': it cannot be read (permission denied)")
        .contains("one: retryable=false puts=0")
        .contains("all: ok.bin UPLOADED")
        .contains("all: secret.bin FAILED Cannot upload")
        .contains("all: puts=1");
  }

  /** Runs in a JVM that cannot read a file whose permissions forbid it, even as root. */
  public static final class Unreadable {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]).resolve("tree");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("ok.bin"), "fine");
      Path secret = Files.writeString(Path.of(args[0]).resolve("secret.bin"), "hidden");
      Files.writeString(dir.resolve("secret.bin"), "hidden");
      for (Path p : List.of(secret, dir.resolve("secret.bin"))) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
      }
      try (WandbEmulator emu = WandbEmulator.start();
          WandbClient client = TestClients.builder(emu.baseUrl()).apiKey(emu.apiKey()).build()) {
        emu.run("acme/proj/r1");
        Run run = client.run("acme/proj/r1");
        try {
          run.upload(secret, "secret.bin").block(WAIT);
          System.out.println("one: uploaded");
        } catch (RuntimeException e) {
          System.out.println("one: " + e.getClass().getSimpleName() + ": " + e.getMessage());
          System.out.println(
              "one: retryable="
                  + ((WandbTransferException) e).isRetryable()
                  + " puts="
                  + emu.requests().stream().filter(q -> q.method().equals("PUT")).count());
        }
        emu.clearRequests();
        Map<String, UploadResult> all =
            run.uploadAll(dir, UploadOptions.DEFAULT, 4).collectList().block(WAIT).stream()
                .collect(Collectors.toMap(UploadResult::name, x -> x));
        all.forEach(
            (name, x) ->
                System.out.println(
                    "all: "
                        + name
                        + " "
                        + x.status()
                        + (x.error() == null ? "" : " " + x.error().getMessage())));
        System.out.println(
            "all: puts=" + emu.requests().stream().filter(q -> q.method().equals("PUT")).count());
      }
    }

    private Unreadable() {}
  }
}
