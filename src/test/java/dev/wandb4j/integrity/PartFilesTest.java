package dev.wandb4j.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.DownloadResult;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Fixtures;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A download writes only its own part file: never another file of the run, never through a link,
 * never outside the root, and never over a file it was not told to replace.
 */
class PartFilesTest {
  static final byte[] X = bytes(1, 700_000);
  static final byte[] X_PART = bytes(2, 500_000);

  @TempDir Path root;
  @TempDir Path outside;
  private WandbEmulator emu;
  private WandbClient client;
  private Run run;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    client =
        emu.clientBuilder()
            .maxRetries(2)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .build();
    run = client.run("acme/proj/parts");
  }

  @AfterEach
  void tearDown() {
    client.close();
    emu.close();
  }

  static byte[] bytes(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aRunHoldingXAndXDotPartGetsBothRightInParallel() throws Exception {
    emu.run("acme/proj/parts").addFile("model.ckpt", X);
    emu.run("acme/proj/parts").addFile("model.ckpt.part", X_PART);
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();

    List<DownloadResult> results =
        run.downloadAll(root, FileQuery.DEFAULT, sync, 2)
            .collectList()
            .block(Duration.ofSeconds(30));

    assertThat(results)
        .extracting(DownloadResult::status)
        .containsOnly(DownloadResult.Status.DOWNLOADED);
    assertThat(Files.readAllBytes(root.resolve("model.ckpt"))).isEqualTo(X);
    assertThat(Files.readAllBytes(root.resolve("model.ckpt.part"))).isEqualTo(X_PART);
  }

  @Test
  void aRunHoldingXAndXDotPartStaysRightWhenSyncedAgainOneAtATime() throws Exception {
    emu.run("acme/proj/parts").addFile("model.ckpt.part", X_PART);
    emu.run("acme/proj/parts").addFile("model.ckpt", X);
    DownloadOptions sync = DownloadOptions.builder().sync(true).build();

    for (int round = 0; round < 2; round++) {
      run.downloadAll(root, FileQuery.DEFAULT, sync, 1).blockLast(Duration.ofSeconds(30));
      assertThat(Files.readAllBytes(root.resolve("model.ckpt"))).isEqualTo(X);
      assertThat(Files.readAllBytes(root.resolve("model.ckpt.part"))).isEqualTo(X_PART);
    }
    List<DownloadResult> again =
        run.downloadAll(root, FileQuery.DEFAULT, sync, 1)
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(again)
        .extracting(DownloadResult::status)
        .containsOnly(DownloadResult.Status.SKIPPED_UNCHANGED);
  }

  @Test
  void aSymbolicLinkPlantedWherePartFilesGoIsNeverFollowed() throws Exception {
    emu.run("acme/proj/parts").addFile("model.ckpt", X);
    Path victim = outside.resolve("victim.txt");
    Files.writeString(victim, "precious");
    Files.createSymbolicLink(root.resolve("model.ckpt.part"), victim);
    Files.createSymbolicLink(root.resolve("model.ckpt.wandb4j-part"), victim);

    Path p = run.file("model.ckpt").flatMap(f -> f.download(root)).block(Duration.ofSeconds(30));

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readAllBytes(p)).isEqualTo(X);
  }

  @Test
  void concurrentDownloadsOfOneTargetEachWriteTheirOwnPartFile() throws Exception {
    EmulatedFile f = emu.run("acme/proj/parts").addFile("model.ckpt", X);
    f.faults().throttle(4_000_000);
    DownloadOptions replace = DownloadOptions.builder().replace(true).build();
    for (int round = 0; round < 3; round++) {
      List<Path> paths =
          Flux.range(0, 3)
              .flatMap(i -> run.file("model.ckpt").flatMap(file -> file.download(root, replace)))
              .collectList()
              .block(Duration.ofSeconds(30));
      assertThat(paths).hasSize(3);
      assertThat(Files.readAllBytes(root.resolve("model.ckpt"))).isEqualTo(X);
    }
    assertThat(Fixtures.partFiles(root)).isEmpty();
  }

  @Test
  void aLinkedFolderLeadingOutsideIsRefusedBeforeAnyFolderIsCreatedThere() throws Exception {
    emu.run("acme/proj/parts").addFile("media/deep/er/a.png", X_PART);
    Files.createSymbolicLink(root.resolve("media"), outside);

    StepVerifier.create(run.file("media/deep/er/a.png").flatMap(f -> f.download(root)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("symbolic link"))
        .verify(Duration.ofSeconds(10));
    assertThat(outside.resolve("deep")).doesNotExist();
  }

  @Test
  void aLinkedFolderThatStaysInsideTheRootIsFollowed() throws Exception {
    emu.run("acme/proj/parts").addFile("media/a.png", X_PART);
    Files.createDirectories(root.resolve("store"));
    Files.createSymbolicLink(root.resolve("media"), root.resolve("store"));

    run.file("media/a.png").flatMap(f -> f.download(root)).block(Duration.ofSeconds(10));

    assertThat(Files.readAllBytes(root.resolve("store/a.png"))).isEqualTo(X_PART);
  }

  @Test
  void aTargetThatAppearsDuringTheDownloadIsNotOverwritten() throws Exception {
    EmulatedFile f = emu.run("acme/proj/parts").addFile("model.ckpt", X);
    f.faults().throttle(1_000_000);
    Path target = root.resolve("model.ckpt");
    for (DownloadOptions base :
        List.of(DownloadOptions.DEFAULT, DownloadOptions.builder().sync(true).build())) {
      Files.deleteIfExists(target);
      // Someone else writes the target while the download is under way: from a progress report,
      // which always comes before the file is moved into place.
      java.util.concurrent.atomic.AtomicBoolean written =
          new java.util.concurrent.atomic.AtomicBoolean();
      DownloadOptions options =
          base.toBuilder()
              .progress(
                  p -> {
                    if (!p.isDone() && p.bytesWritten() > 0 && written.compareAndSet(false, true)) {
                      try {
                        Files.writeString(target, "written by someone else");
                      } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    }
                  })
              .build();
      Mono<Path> download = run.file("model.ckpt").flatMap(file -> file.download(root, options));
      StepVerifier.create(download)
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(FileAlreadyExistsException.class)
                      .hasMessageContaining("appeared during the download"))
          .verify(Duration.ofSeconds(30));
      assertThat(Files.readString(target)).isEqualTo("written by someone else");
      assertThat(Fixtures.partFiles(root)).isEmpty();
    }
  }

  @Test
  void namesThatPartFilesUseAreRefusedAsFileNames() {
    emu.run("acme/proj/parts").addFile("a/b.wandb4j-part", X_PART);
    StepVerifier.create(run.file("a/b.wandb4j-part").flatMap(f -> f.download(root)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("Refused")
                    .hasMessageContaining("part"))
        .verify(Duration.ofSeconds(10));
  }
}
