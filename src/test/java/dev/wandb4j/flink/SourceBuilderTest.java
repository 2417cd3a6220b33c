package dev.wandb4j.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.FileQuery;
import dev.wandb4j.RunQuery;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Building a source: defaults, refused settings, and secrets kept out of what it prints. */
class SourceBuilderTest {
  static final String KEY = "k3y-0123456789abcdef0123456789abcdef01234567";

  @Test
  void aSourceNeedsAProjectAndSaysHowToGiveOne() {
    assertThatThrownBy(() -> WandbFilesSource.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("project(\"entity/project\")");
    assertThatThrownBy(() -> WandbFilesSource.builder().project("a/b/c/d"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMalformedProjectPathIsRefusedWhereTheJobIsBuiltNamingTheFormsAccepted() {
    for (String path :
        List.of(
            "acme/vision/1x2y3z", // a run's path, not a project's
            "acme/vision/runs/1x2y3z",
            "acme//vision",
            "/",
            "acme/..",
            "acme/vi sion",
            "acme/vision?x=1",
            "acme/vi%2Fsion",
            "https://wandb.ai/acme")) {
      assertThatThrownBy(() -> WandbFilesSource.builder().project(path))
          .as(path)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Invalid project path")
          .hasMessageContaining("entity/project");
    }
    // Control characters are shown escaped, never passed on to a terminal or a log.
    assertThatThrownBy(() -> WandbFilesSource.builder().project("acme/vi\u001b[2Jsion"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\\u001b")
        .message()
        .doesNotContain("\u001b");
    assertThatThrownBy(() -> WandbFilesSource.builder().project(null))
        .isInstanceOf(NullPointerException.class);
    // The forms that are accepted: the web URL of a project, and surrounding slashes or spaces.
    assertThat(WandbFilesSource.builder().project(" https://wandb.ai/acme/vision/runs/x ").build())
        .hasToString("WandbFilesSource{acme/vision, bounded, " + WandbConnection.DEFAULT + "}");
  }

  @Test
  void badSettingsAreRefusedWhereTheJobIsBuilt() {
    WandbFilesSource.Builder b = WandbFilesSource.builder();
    assertThatThrownBy(() -> b.bytesUpTo(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.bytesUpTo(WandbFilesSource.MAX_BYTES_UP_TO + 1))
        .hasMessageContaining("bytesUpTo");
    assertThatThrownBy(() -> b.downloadTo("relative/dir"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> b.concurrency(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxBytesPerFetch(1000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.fetchTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.continuous(Duration.ofMillis(10)))
        .hasMessageContaining("at least 100 ms");
    assertThatThrownBy(() -> b.files(FileQuery.builder().upload(true).build()))
        .hasMessageContaining("upload URLs");
    assertThatThrownBy(() -> WandbConnection.builder().baseUrl("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http or https");
    assertThatThrownBy(() -> WandbConnection.builder().maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSourceTravelsToTheClusterWithItsQueriesAndKeepsTheKeyOutOfWhatItPrints()
      throws Exception {
    WandbConnection connection =
        WandbConnection.builder().baseUrl("https://wandb.example.com").apiKey(KEY).build();
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .runs(
                RunQuery.builder()
                    .states("finished")
                    .tags("best")
                    .order("+created_at")
                    .perPage(200)
                    .build())
            .files(FileQuery.builder().names(List.of("a.json", "b.json")).perPage(20).build())
            .connection(connection)
            .continuous(Duration.ofSeconds(30))
            .select((run, file) -> file.size() > 0)
            .build();

    WandbFilesSource copy =
        InstantiationUtil.clone(source, SourceBuilderTest.class.getClassLoader());
    SourceSettings s = copy.settings();
    assertThat(s.runQuery())
        .isEqualTo(
            RunQuery.builder()
                .states("finished")
                .tags("best")
                .order("+created_at")
                .perPage(200)
                .build());
    assertThat(s.fileQuery())
        .isEqualTo(FileQuery.builder().names(List.of("a.json", "b.json")).perPage(20).build());
    assertThat(s.connection).isEqualTo(connection);
    assertThat(s.selector.select(Samples.run("r"), Samples.file("x", 1))).isTrue();
    assertThat(copy.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    assertThat(s.discoveryInterval).isEqualTo(Duration.ofSeconds(30));

    assertThat(connection.toString())
        .isEqualTo("WandbConnection{https://wandb.example.com, API key set}")
        .doesNotContain(KEY);
    assertThat(copy.toString()).contains("acme/vision", "continuous").doesNotContain(KEY);
    assertThat(WandbConnection.DEFAULT.toString())
        .isEqualTo("WandbConnection{base URL from the environment, API key from the environment}");
  }

  @Test
  void aBaseUrlIsCheckedAsTheClientChecksItAndPlainHttpElsewhereThanLoopbackIsOptedInto() {
    assertThatThrownBy(() -> WandbConnection.builder().baseUrl("https://wandb.example.com/?k=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(() -> WandbConnection.builder().baseUrl("https://wandb.example.com:0"))
        .isInstanceOf(IllegalArgumentException.class);

    // Refused where each machine opens its client, unless allowed; loopback always is.
    WandbConnection plain =
        WandbConnection.builder().baseUrl("http://wandb.example.com").apiKey(KEY).build();
    assertThatThrownBy(plain::open)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clear text")
        .hasMessageNotContaining(KEY);
    WandbConnection allowed =
        WandbConnection.builder()
            .baseUrl("http://wandb.example.com")
            .apiKey(KEY)
            .allowPlainHttp(true)
            .build();
    assertThat(allowed).isNotEqualTo(plain);
    allowed.open().close();
    WandbConnection.builder().baseUrl("http://127.0.0.1:8080").apiKey(KEY).build().open().close();
  }

  @Test
  void anEmptyListOfNamesSelectsNoFileAcrossSerialization() throws Exception {
    WandbFilesSource source =
        WandbFilesSource.builder()
            .project("acme/vision")
            .files(FileQuery.builder().names(List.of()).build())
            .build();
    FileQuery back =
        InstantiationUtil.clone(source, getClass().getClassLoader()).settings().fileQuery();
    assertThat(back.selectsByName()).isTrue();
    assertThat(back.names()).isEmpty();
    assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
  }
}
