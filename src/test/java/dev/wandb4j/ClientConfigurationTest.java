package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

class ClientConfigurationTest {
  @TempDir Path home;

  private WandbClient.Builder builder(Map<String, String> env) {
    return WandbClient.builder().environment(env::get, home);
  }

  @Test
  void baseUrlDefaultsToThePublicApiAndDropsTrailingSlashes() {
    try (WandbClient c = builder(Map.of("WANDB_API_KEY", "k")).build()) {
      assertThat(c.baseUrl().toString()).isEqualTo("https://api.wandb.ai");
    }
    try (WandbClient c =
        builder(Map.of("WANDB_API_KEY", "k", "WANDB_BASE_URL", "https://w.example.com/api//"))
            .build()) {
      assertThat(c.baseUrl().toString()).isEqualTo("https://w.example.com/api");
    }
    try (WandbClient c =
        builder(Map.of("WANDB_BASE_URL", "https://ignored"))
            .baseUrl("http://localhost:8080/")
            .apiKey("k")
            .build()) {
      assertThat(c.baseUrl().toString()).isEqualTo("http://localhost:8080");
    }
  }

  @Test
  void aMalformedBaseUrlIsRefused() {
    for (String bad :
        new String[] {
          "api.wandb.ai",
          "ftp://x",
          "https://x/?q=1",
          "https://u:p@x",
          "http://127.0.0.1:99999",
          "http://127.0.0.1:0"
        }) {
      assertThatThrownBy(() -> builder(Map.of()).baseUrl(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> builder(Map.of()).baseUrl("http://127.0.0.1:99999"))
        .hasMessageContaining("port 99999");
  }

  @Test
  void withoutAKeyAClientMayBeBuiltThatRefusesEveryCall() {
    try (WandbClient client =
        builder(Map.of()).baseUrl("http://127.0.0.1:9").allowMissingApiKey(true).build()) {
      assertThatThrownBy(() -> client.run("acme/p/r").fileCount().block())
          .isInstanceOf(dev.wandb4j.error.WandbAuthenticationException.class)
          .hasMessageContaining("No W&B API key found for 127.0.0.1:9")
          .hasMessageContaining("no request was sent");
    }
  }

  @Test
  void withoutAKeyBuildFailsWithAnAuthenticationErrorThatSaysHowToProvideOne() {
    assertThatThrownBy(() -> builder(Map.of()).build())
        .isInstanceOf(dev.wandb4j.error.WandbAuthenticationException.class)
        .hasMessageContaining("WANDB_API_KEY")
        .hasMessageContaining("netrc")
        .hasMessageContaining("--api-key");
  }

  @Test
  void tlsIsSetUpByTheBuilderOfAnHttpsClientAndNotAtAllForAPlainHttpOne() throws Exception {
    javax.net.ssl.TrustManagerFactory uninitialized =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    assertThatThrownBy(
            () ->
                builder(Map.of())
                    .baseUrl("https://wandb.example.com")
                    .apiKey("k")
                    .trustManagerFactory(uninitialized)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Could not build a TLS context");
    try (WandbClient c =
        builder(Map.of())
            .baseUrl("http://127.0.0.1:1")
            .apiKey("k")
            .trustManagerFactory(uninitialized)
            .build()) {
      assertThat(c.baseUrl().getScheme()).isEqualTo("http");
    }
  }

  @Test
  void aPlainHttpBaseUrlOnAnotherHostIsRefusedUnlessAllowed() {
    for (String remote :
        new String[] {
          "http://wandb.example.com", "http://10.1.2.3:8080/api", "http://[2001:db8::1]"
        }) {
      assertThatThrownBy(() -> builder(Map.of()).baseUrl(remote).apiKey("k").build())
          .as(remote)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("clear text")
          .hasMessageContaining("allowPlainHttp")
          .hasMessageNotContaining("k3y");
      try (WandbClient c =
          builder(Map.of()).baseUrl(remote).apiKey("k").allowPlainHttp(true).build()) {
        assertThat(c.baseUrl().getScheme()).isEqualTo("http");
      }
    }
    for (String local :
        new String[] {
          "http://localhost:8080",
          "http://127.0.0.1:1",
          "http://127.1.2.3",
          "http://[::1]:8080",
          "http://wandb.localhost"
        }) {
      try (WandbClient c = builder(Map.of()).baseUrl(local).apiKey("k").build()) {
        assertThat(c.baseUrl().getScheme()).as(local).isEqualTo("http");
      }
    }
  }

  @Test
  void settersRefuseNonsense() {
    WandbClient.Builder b = WandbClient.builder();
    assertThatThrownBy(() -> b.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxConnections(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runPathsUseTheClientsEnvironmentForShortForms() {
    try (WandbClient c =
        builder(Map.of("WANDB_API_KEY", "k", "WANDB_ENTITY", "acme", "WANDB_PROJECT", "vision"))
            .build()) {
      assertThat(c.run("r1").path()).isEqualTo(RunPath.of("acme", "vision", "r1"));
    }
  }

  @Test
  void closeIsIdempotentAndABorrowedPoolIsLeftOpen() {
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) ->
                    res.header("Content-Type", "application/json")
                        .sendString(
                            Mono.just("{\"data\":{\"project\":{\"run\":{\"fileCount\":3}}}}")))
            .bindNow();
    ConnectionProvider shared = ConnectionProvider.create("shared-test", 4);
    String base = "http://127.0.0.1:" + server.port();
    try {
      WandbClient c =
          builder(Map.of()).baseUrl(base).apiKey("k").connectionProvider(shared).build();
      assertThat(c.run("a/b/c").fileCount().block(Duration.ofSeconds(5))).isEqualTo(3L);
      c.close();
      c.close();
      c.closeAsync().block(Duration.ofSeconds(5));
      assertThat(shared.isDisposed()).isFalse();
      assertThatThrownBy(() -> c.run("a/b/c")).isInstanceOf(IllegalStateException.class);
      try (WandbClient again =
          builder(Map.of()).baseUrl(base).apiKey("k").connectionProvider(shared).build()) {
        assertThat(again.run("a/b/c").fileCount().block(Duration.ofSeconds(5))).isEqualTo(3L);
      }
    } finally {
      shared.disposeLater().block(Duration.ofSeconds(5));
      server.disposeNow();
    }
  }

  @Test
  void theKeyNeverAppearsInToString() {
    try (WandbClient c = builder(Map.of()).apiKey("sekrit-key-value").build()) {
      assertThat(c.toString()).doesNotContain("sekrit");
      assertThat(c.run("a/b/c").toString()).doesNotContain("sekrit");
    }
  }

  @Test
  void closeAsyncAfterCloseCompletesOnlyOnceThePoolIsReleasedSoLoopsCanStopCleanly() {
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) ->
                    res.header("Content-Type", "application/json")
                        .sendString(
                            Mono.just("{\"data\":{\"project\":{\"run\":{\"fileCount\":3}}}}")))
            .bindNow();
    LoopResources loops = LoopResources.create("close-test", 1, true);
    List<Throwable> dropped = new CopyOnWriteArrayList<>();
    Hooks.onErrorDropped(dropped::add);
    try {
      WandbClient c =
          builder(Map.of())
              .baseUrl("http://127.0.0.1:" + server.port())
              .apiKey("k")
              .loopResources(loops)
              .build();
      assertThat(c.run("a/b/c").fileCount().block(Duration.ofSeconds(5))).isEqualTo(3L);
      c.close();
      c.closeAsync().block(Duration.ofSeconds(5));
      loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
      c.close();
      assertThat(dropped).isEmpty();
    } finally {
      Hooks.resetOnErrorDropped();
      loops.dispose();
      server.disposeNow();
    }
  }
}
