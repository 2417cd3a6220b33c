package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wandb4j.File;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A served directory is served live: what is in the folder when a request comes is what the
 * emulator answers with, and deleting a file served from it deletes it from the folder.
 */
class LiveDirectoryTest {
  @TempDir Path dir;

  private Path write(String path, String content) throws Exception {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private static Map<String, File> list(Run run) {
    return run.files().collectMap(File::name, Function.identity()).block(Duration.ofSeconds(10));
  }

  @Test
  void filesAddedChangedOrRemovedAfterStartAreServedAsTheyAreNow() throws Exception {
    Path kept = write("acme/proj/r1/kept.txt", "kept");
    Path changed = write("acme/proj/r1/logs/changed.txt", "before");
    Path removed = write("acme/proj/r1/removed.txt", "removed");
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).containsOnlyKeys("kept.txt", "logs/changed.txt", "removed.txt");

      write("acme/proj/r1/media/added.png", "added later");
      Files.writeString(changed, "after, and longer");
      Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      Files.delete(removed);
      write("acme/proj/r2/new-run.txt", "a run made after start");

      Map<String, File> now = list(run);
      assertThat(now).containsOnlyKeys("kept.txt", "logs/changed.txt", "media/added.png");
      assertThat(now.get("logs/changed.txt").size()).isEqualTo("after, and longer".length());
      assertThat(
              run.file("logs/changed.txt")
                  .flatMap(f -> f.download(dir.resolve("out")))
                  .map(p -> readString(p))
                  .block(Duration.ofSeconds(10)))
          .isEqualTo("after, and longer");
      assertThat(list(emu.client().run("acme/proj/r2"))).containsOnlyKeys("new-run.txt");
      assertThat(Files.readString(kept)).isEqualTo("kept");
    }
  }

  @Test
  void aLookupByNameReadsOnlyTheNamedFilesAndServesThemAsTheyAreNow() throws Exception {
    Path changed = write("acme/proj/r1/changed.txt", "before");
    Path removed = write("acme/proj/r1/removed.txt", "removed");
    for (int i = 0; i < 20; i++) {
      write("acme/proj/r1/other-" + i + ".txt", "other");
    }
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).hasSize(22);
      write("acme/proj/r1/media/added.png", "added later");
      Files.writeString(changed, "after, and longer");
      Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      Files.delete(removed);
      long reads = emu.folderReads();

      Map<String, File> named =
          run.files(
                  FileQuery.builder()
                      .names(
                          List.of("media/added.png", "changed.txt", "removed.txt", "other-3.txt"))
                      .build())
              .collectMap(File::name, Function.identity())
              .block(Duration.ofSeconds(10));

      assertThat(emu.folderReads()).as("whole-folder reads").isEqualTo(reads);
      assertThat(named).containsOnlyKeys("media/added.png", "changed.txt", "other-3.txt");
      assertThat(named.get("changed.txt").size()).isEqualTo("after, and longer".length());
      assertThat(named.get("media/added.png").size()).isEqualTo("added later".length());
      assertThat(list(run))
          .hasSize(22)
          .containsKey("media/added.png")
          .doesNotContainKey("removed.txt");
    }
  }

  @Test
  void aLookupByNameDoesNotGoThroughALinkedFolder(@TempDir Path outside) throws Exception {
    Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
    write("acme/proj/r1/sub/x.txt", "x");
    Files.createSymbolicLink(dir.resolve("acme/proj/r1/link"), outside);
    Files.createSymbolicLink(dir.resolve("acme/proj/r1/alias"), Path.of("sub"));
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).containsOnlyKeys("sub/x.txt");

      assertThat(byNames(run, "link/secret.txt", "alias/x.txt")).isEmpty();
      assertThat(list(run)).containsOnlyKeys("sub/x.txt");
      assertThat(secret).hasContent("secret");
    }
  }

  @Test
  void aLinkLoopInTheFolderLeavesTheRestServedAsItIsNow() throws Exception {
    Path a = write("acme/proj/r1/a.txt", "a");
    Files.createSymbolicLink(dir.resolve("acme/proj/r1/loop"), Path.of("loop"));
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).containsOnlyKeys("a.txt");

      Files.createSymbolicLink(dir.resolve("acme/proj/r1/p"), Path.of("q"));
      Files.createSymbolicLink(dir.resolve("acme/proj/r1/q"), Path.of("p"));
      write("acme/proj/r1/b.txt", "b");
      Files.delete(a);

      assertThat(list(run)).containsOnlyKeys("b.txt");
      assertThat(byNames(run, "loop", "p", "b.txt")).containsOnlyKeys("b.txt");
    }
  }

  @Test
  void aFileWhoseNameOnDiskHasABackslashIsSeenChangedByALookupByName() throws Exception {
    Path f = write("acme/proj/r1/a\\b.txt", "before");
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).containsOnlyKeys("a/b.txt");

      Files.writeString(f, "after, and longer");
      Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

      assertThat(byNames(run, "a/b.txt").get("a/b.txt").size())
          .isEqualTo("after, and longer".length());
    }
  }

  @Test
  void aNullAmongTheNamesIsAMissingName() throws Exception {
    write("acme/proj/r1/a.txt", "a");
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      List<String> names = new ArrayList<>();
      names.add("a.txt");
      names.add(null);
      JsonNode res =
          new Wire(emu)
              .graphQl(
                  "query Q($names: [String]) { project(name: \"proj\", entityName: \"acme\") {"
                      + " run(name: \"r1\") { files(names: $names) { edges { node { name md5"
                      + " } } } } } }",
                  new HashMap<>(Map.of("names", names)));

      assertThat(res.has("errors")).as(res.toString()).isFalse();
      JsonNode edges = res.at("/data/project/run/files/edges");
      assertThat(edges).hasSize(2);
      assertThat(edges.get(0).at("/node/name").asText()).isEqualTo("a.txt");
      assertThat(edges.get(1).at("/node/md5").asText()).isEqualTo("0");
    }
  }

  private static Map<String, File> byNames(Run run, String... names) {
    return run.files(FileQuery.builder().names(List.of(names)).build())
        .collectMap(File::name, Function.identity())
        .block(Duration.ofSeconds(10));
  }

  @Test
  void aFileALookAtTheFolderMissedButStillThereStaysListedAndOnDisk() throws Exception {
    // A folder read while a file in it is replaced by a rename (an upload that overwrites it) may
    // leave that file out of what the read returns. Such a look must not cost the file.
    Path replaced = write("acme/proj/r1/replaced.bin", "new content");
    Path kept = write("acme/proj/r1/kept.bin", "kept");
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).containsOnlyKeys("replaced.bin", "kept.bin");
      EmulatedRun emulated = emu.run("acme/proj/r1");
      Path runDir = dir.resolve("acme/proj/r1");

      emu.reconcile(emulated, runDir, Map.of("kept.bin", kept));

      assertThat(replaced).as("still on disk").hasContent("new content");
      assertThat(emulated.file("replaced.bin")).as("still listed").isNotNull();
      assertThat(list(run)).containsOnlyKeys("replaced.bin", "kept.bin");

      Files.delete(replaced);
      emu.reconcile(emulated, runDir, Map.of("kept.bin", kept));
      assertThat(emulated.file("replaced.bin")).as("dropped once really gone").isNull();
      assertThat(kept).exists();
    }
  }

  @Test
  void deletingAFileServedFromTheDirectoryDeletesItFromTheFolder() throws Exception {
    Path doomed = write("acme/proj/r1/tmp/doomed.bin", "doomed");
    Path kept = write("acme/proj/r1/kept.bin", "kept");
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      Run run = emu.client().run("acme/proj/r1");
      emu.clearRequests();

      Long deleted =
          run.deleteFiles(run.files(FileQuery.builder().pattern("tmp/%").build()))
              .block(Duration.ofSeconds(10));

      assertThat(deleted).isEqualTo(1);
      assertThat(doomed).doesNotExist();
      assertThat(kept).exists();
      assertThat(list(run)).containsOnlyKeys("kept.bin");
      assertThat(emu.requests()).extracting(RecordedRequest::operationName).contains("DeleteFiles");
    }
  }

  @Test
  void filesAddedThroughTheApiAreNotTouchedByTheFolder() throws Exception {
    write("acme/proj/r1/on-disk.txt", "disk");
    Path elsewhere = Files.createTempFile("wandb4j-fixture", ".bin");
    try (WandbEmulator emu = WandbEmulator.builder().directory(dir).start()) {
      EmulatedRun r = emu.run("acme/proj/r1");
      r.addFile("in-memory.txt", "memory".getBytes(StandardCharsets.UTF_8));
      r.addFile("fixture.bin", elsewhere);
      Run run = emu.client().run("acme/proj/r1");
      assertThat(list(run)).containsOnlyKeys("on-disk.txt", "in-memory.txt", "fixture.bin");

      assertThat(r.removeFile("fixture.bin")).isTrue();
      assertThat(elsewhere).as("a file outside the served folder is never deleted").exists();
    } finally {
      Files.deleteIfExists(elsewhere);
    }
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
