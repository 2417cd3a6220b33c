package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the emulator: list, filter, page, download, resume, delete. */
class EndToEndTest {
  static WandbEmulator emu;

  @BeforeAll
  static void start() {
    emu = WandbEmulator.start();
  }

  @AfterAll
  static void stop() {
    emu.close();
  }

  @Test
  void listsAHundredThousandFileRun() {
    EmulatedRun big = emu.run("acme/proj/big");
    byte[] one = {7};
    for (int i = 0; i < 100_000; i++) {
      big.addFile("media/images/img_" + i + ".png", one);
    }
    Run run = emu.client().run("acme/proj/big");
    emu.clearRequests();
    long count =
        run.files(FileQuery.builder().perPage(1000).build()).count().block(Duration.ofSeconds(120));
    assertThat(count).isEqualTo(100_000);
    assertThat(emu.requests()).hasSize(100);
    assertThat(run.fileCount().block(Duration.ofSeconds(10))).isEqualTo(100_000L);
    assertThat(
            run.files(FileQuery.builder().pattern("media/images/img_9999_.png").build())
                .count()
                .block(Duration.ofSeconds(60)))
        .isEqualTo(10);
  }

  @Test
  void downloadsAOneGibGeneratedFileWithItsMd5Verified(@TempDir Path root) throws Exception {
    EmulatedFile f = emu.run("acme/proj/ckpt").addGeneratedFile("checkpoints/model.ckpt", 1L << 30);
    File listed =
        emu.client()
            .run("acme/proj/ckpt")
            .file("checkpoints/model.ckpt")
            .block(Duration.ofSeconds(60));
    assertThat(listed.md5()).isEqualTo(f.md5());
    Path p = listed.download(root).block(Duration.ofMinutes(3));
    assertThat(Files.size(p)).isEqualTo(1L << 30);
    Files.delete(p);
  }

  @Test
  void resumesAfterAnInjectedResetAndVerifies(@TempDir Path root) throws Exception {
    EmulatedFile f = emu.run("acme/proj/resume").addGeneratedFile("logs/output.log", 5_000_000);
    f.faults().resetAfter(1_234_567, 1);
    emu.clearRequests();
    Path p =
        emu.client()
            .run("acme/proj/resume")
            .file("logs/output.log")
            .flatMap(file -> file.download(root))
            .block(Duration.ofSeconds(30));
    assertThat(Files.size(p)).isEqualTo(5_000_000);
    List<RecordedRequest> storage =
        emu.requests().stream().filter(r -> r.server().equals("storage")).toList();
    assertThat(storage).hasSize(2);
    assertThat(storage.get(1).range()).startsWith("bytes=");
  }

  @Test
  void filtersPagesFromACursorAndDeletesInBatches() {
    EmulatedRun r = emu.run("acme/proj/del");
    for (int i = 0; i < 250; i++) {
      r.addFile("tmp/" + i + ".json", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    r.addFile("keep.txt", new byte[] {1});
    Run run = emu.client().run("acme/proj/del");

    FilePage first =
        run.filePages(FileQuery.builder().pattern("tmp/%").perPage(100).build())
            .blockFirst(Duration.ofSeconds(10));
    List<FilePage> rest =
        run.filePages(FileQuery.builder().pattern("tmp/%").perPage(100).build(), first.endCursor())
            .collectList()
            .block(Duration.ofSeconds(10));
    assertThat(rest.stream().mapToInt(p -> p.files().size()).sum()).isEqualTo(150);

    emu.clearRequests();
    Long deleted =
        run.deleteFiles(run.files(FileQuery.builder().pattern("%.json").perPage(1000).build()))
            .block(Duration.ofSeconds(30));
    assertThat(deleted).isEqualTo(250);
    assertThat(emu.requests().stream().filter(q -> "DeleteFiles".equals(q.operationName())))
        .hasSize(3);
    assertThat(r.fileCount()).isEqualTo(1);
    assertThat(run.files().map(File::name).collectList().block(Duration.ofSeconds(10)))
        .containsExactly("keep.txt");
  }
}
