package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.File;
import dev.wandb4j.FilePage;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator pages as W&amp;B does: a cursor is a position in the listing the filter selects, so
 * files removed before it move later files up, past the next page's start.
 */
class EmulatorPagingTest {
  private WandbEmulator emu;
  private EmulatedRun run;
  private Run client;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/paging");
    client = emu.client().run("acme/proj/paging");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private static String name(int i) {
    return String.format("f%03d.json", i);
  }

  private static List<String> names(FilePage page) {
    return page.files().stream().map(File::name).toList();
  }

  @Test
  void removingListedFilesShiftsWhatTheNextCursorPointsAt() {
    for (int i = 0; i < 120; i++) {
      run.addFile(name(i), new byte[] {(byte) i});
    }
    FileQuery q = FileQuery.builder().perPage(50).build();
    FilePage first = client.filePages(q).blockFirst(Duration.ofSeconds(10));
    assertThat(names(first)).startsWith(name(0)).endsWith(name(49)).hasSize(50);
    for (int i = 0; i < 50; i++) {
      run.removeFile(name(i));
    }

    FilePage next = client.filePages(q, first.endCursor()).blockFirst(Duration.ofSeconds(10));

    // "after position 49" is now f100: f050..f099 moved up to positions 0..49 and are passed over.
    assertThat(names(next)).startsWith(name(100)).endsWith(name(119)).hasSize(20);
    assertThat(next.hasNextPage()).isFalse();
  }

  @Test
  void positionsCountOnlyTheFilesAPatternSelects() {
    for (int i = 0; i < 30; i++) {
      run.addFile(name(i), new byte[] {1});
      run.addFile("other/" + i + ".txt", new byte[] {2});
    }
    FileQuery q = FileQuery.builder().pattern("%.json").perPage(10).build();
    FilePage first = client.filePages(q).blockFirst(Duration.ofSeconds(10));
    assertThat(names(first)).startsWith(name(0)).endsWith(name(9)).hasSize(10);

    // Files the pattern does not select hold no position: removing them moves nothing.
    for (int i = 0; i < 30; i++) {
      run.removeFile("other/" + i + ".txt");
    }
    assertThat(names(client.filePages(q, first.endCursor()).blockFirst(Duration.ofSeconds(10))))
        .startsWith(name(10))
        .hasSize(10);

    // Selected files do: with f000..f004 gone, "after position 9" is f015.
    for (int i = 0; i < 5; i++) {
      run.removeFile(name(i));
    }
    assertThat(names(client.filePages(q, first.endCursor()).blockFirst(Duration.ofSeconds(10))))
        .startsWith(name(15))
        .endsWith(name(24))
        .hasSize(10);
  }

  @Test
  void aWholeListingWithoutChangesStillSeesEveryFileOnce() {
    for (int i = 0; i < 257; i++) {
      run.addFile(name(i), new byte[] {1});
    }
    List<String> listed =
        client
            .files(FileQuery.builder().perPage(50).build())
            .map(File::name)
            .collectList()
            .block(Duration.ofSeconds(10));
    assertThat(listed).hasSize(257).doesNotHaveDuplicates().startsWith(name(0)).endsWith(name(256));
  }
}
