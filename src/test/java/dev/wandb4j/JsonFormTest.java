package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbNotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON form of files, pages and download results with a plain Jackson 2 mapper: stable names
 * and order, whatever the mapper's settings, and no URL.
 */
class JsonFormTest {
  static WandbEmulator emu;
  static EmulatedFile png;
  static File file;

  @BeforeAll
  static void start() {
    emu = WandbEmulator.start();
    png = emu.run("acme/proj/r1").addFile("media/a.png", new byte[] {1, 2, 3});
    file = emu.client().run("acme/proj/r1").file("media/a.png").block(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    emu.close();
  }

  private static String expectedFile() {
    return "{\"id\":\""
        + png.id()
        + "\",\"name\":\"media/a.png\",\"size\":3,\"md5\":\""
        + png.md5()
        + "\",\"mimetype\":\"image/png\",\"updatedAt\":\""
        + png.updatedAt()
        + "\",\"run\":\"acme/proj/r1\"}";
  }

  @Test
  void aFileIsItsDataInAFixedOrderWithoutUrls() throws Exception {
    String json = new ObjectMapper().writeValueAsString(file);
    assertThat(json).isEqualTo(expectedFile());
    assertThat(json).doesNotContain("http");
  }

  @Test
  void theMappersSettingsDoNotChangeTheForm() throws Exception {
    ObjectMapper custom =
        new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setDefaultPropertyInclusion(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    assertThat(custom.writeValueAsString(file)).isEqualTo(expectedFile());
  }

  @Test
  void aPageIsItsFilesAndCursor() throws Exception {
    FilePage page =
        emu.client()
            .run("acme/proj/r1")
            .filePages(FileQuery.DEFAULT)
            .blockFirst(Duration.ofSeconds(10));
    assertThat(new ObjectMapper().writeValueAsString(page))
        .isEqualTo(
            "{\"files\":["
                + expectedFile()
                + "],\"endCursor\":\""
                + page.endCursor()
                + "\",\"hasNextPage\":false}");
  }

  @Test
  void aDownloadResultIsItsStatusPathBytesAndError() throws Exception {
    DownloadResult ok =
        new DownloadResult(
            file, DownloadResult.Status.DOWNLOADED, Path.of("/tmp/x/a.png"), 3, null);
    assertThat(new ObjectMapper().writeValueAsString(ok))
        .isEqualTo(
            "{\"file\":"
                + expectedFile()
                + ",\"status\":\"DOWNLOADED\",\"path\":\"/tmp/x/a.png\",\"bytes\":3,\"error\":null}");
    DownloadResult failed =
        new DownloadResult(
            file,
            DownloadResult.Status.FAILED,
            null,
            0,
            new WandbNotFoundException("Not found (HTTP 404)"));
    assertThat(new ObjectMapper().writeValueAsString(failed))
        .endsWith(
            ",\"status\":\"FAILED\",\"path\":null,\"bytes\":0,"
                + "\"error\":{\"type\":\"WandbNotFoundException\",\"message\":\"Not found (HTTP 404)\"}}");
  }
}
