package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.ConnectProxy;
import dev.wandb4j.testing.TlsServers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Requests go through a proxy when the builder, the environment or the JVM's properties say so,
 * tunnelled with CONNECT and its credentials, and around it for the hosts exempted.
 */
class ProxyTest {
  @TempDir Path dir;
  private WandbEmulator emu;
  private ConnectProxy proxy;
  private byte[] content;

  @BeforeEach
  void setUp() throws Exception {
    emu = WandbEmulator.start();
    EmulatedRun run = emu.run("acme/proj/r1");
    content = "through the tunnel".repeat(1000).getBytes(StandardCharsets.UTF_8);
    run.addFile("a.bin", content);
    proxy = new ConnectProxy("proxy-user", "proxy-pass");
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    emu.close();
  }

  private WandbClient.Builder builder(Map<String, String> env, Map<String, String> props) {
    return emu.clientBuilder().environment(env::get, dir).systemProperties(props::get);
  }

  private void listAndDownload(WandbClient client) throws Exception {
    Run run = client.run("acme/proj/r1");
    assertThat(run.files().count().block(Duration.ofSeconds(10))).isEqualTo(1L);
    Path got =
        run.file("a.bin")
            .flatMap(
                f ->
                    f.download(dir.resolve("out"), DownloadOptions.builder().replace(true).build()))
            .block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(got)).isEqualTo(content);
  }

  private int apiPort() {
    return URI.create(emu.baseUrl()).getPort();
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theBuilderProxyCarriesEveryRequestWithItsCredentials() throws Exception {
    try (WandbClient client =
        builder(Map.of(), Map.of())
            .proxy(
                ProxyOptions.http("127.0.0.1", proxy.port())
                    .credentials("proxy-user", "proxy-pass"))
            .build()) {
      listAndDownload(client);
    }
    List<ConnectProxy.Tunnel> tunnels = proxy.tunnels();
    assertThat(tunnels).isNotEmpty();
    assertThat(tunnels)
        .allSatisfy(
            t -> {
              assertThat(t.target()).startsWith("CONNECT 127.0.0.1:");
              assertThat(t.authorization()).isEqualTo(basic("proxy-user", "proxy-pass"));
            });
    // The API and the storage endpoint (the emulator's second port) both went through it.
    assertThat(tunnels)
        .extracting(ConnectProxy.Tunnel::target)
        .contains("CONNECT 127.0.0.1:" + apiPort());
    assertThat(tunnels.stream().map(ConnectProxy.Tunnel::target).distinct().count()).isEqualTo(2);
    // What the emulator saw came through: the listing and the file, with the key.
    assertThat(emu.requests()).isNotEmpty();
  }

  @Test
  void wrongProxyCredentialsFailWithoutReachingTheServer() {
    try (WandbClient client =
        builder(Map.of(), Map.of())
            .maxRetries(0)
            .proxy(ProxyOptions.http("127.0.0.1", proxy.port()).credentials("proxy-user", "nope"))
            .build()) {
      assertThatThrownBy(() -> client.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(10)))
          .isInstanceOf(dev.wandb4j.error.WandbConnectionException.class)
          .hasMessageNotContaining("nope");
    }
    assertThat(proxy.tunnels()).isNotEmpty();
    assertThat(emu.requests()).isEmpty();
  }

  @Test
  void nonProxyHostsAreReachedDirectly() throws Exception {
    try (WandbClient client =
        builder(Map.of(), Map.of())
            .proxy(
                ProxyOptions.http("127.0.0.1", proxy.port())
                    .credentials("proxy-user", "proxy-pass")
                    .nonProxyHosts(List.of("example.com", "127.0.0.0/8")))
            .build()) {
      listAndDownload(client);
    }
    assertThat(proxy.tunnels()).isEmpty();
  }

  @Test
  void byDefaultTheEnvironmentNamesTheProxyAndNoProxyExemptsHosts() throws Exception {
    String url = "http://proxy-user:proxy-pass@127.0.0.1:" + proxy.port();
    try (WandbClient client = builder(Map.of("HTTP_PROXY", url), Map.of()).build()) {
      listAndDownload(client);
    }
    assertThat(proxy.tunnels()).isNotEmpty();
    assertThat(proxy.tunnels())
        .allSatisfy(
            t -> assertThat(t.authorization()).isEqualTo(basic("proxy-user", "proxy-pass")));
    int before = proxy.tunnels().size();
    try (WandbClient client =
        builder(Map.of("http_proxy", url, "no_proxy", "localhost,127.0.0.1"), Map.of()).build()) {
      listAndDownload(client);
    }
    assertThat(proxy.tunnels()).hasSize(before);
    // HTTPS_PROXY is for https URLs only: these are http.
    try (WandbClient client = builder(Map.of("HTTPS_PROXY", url), Map.of()).build()) {
      listAndDownload(client);
    }
    assertThat(proxy.tunnels()).hasSize(before);
  }

  @Test
  void theJvmProxyPropertiesAreUsedWhenTheEnvironmentNamesNone() throws Exception {
    try (ConnectProxy open = new ConnectProxy(null, null)) {
      Map<String, String> props = new HashMap<>();
      props.put("http.proxyHost", "127.0.0.1");
      props.put("http.proxyPort", String.valueOf(open.port()));
      props.put("http.nonProxyHosts", "");
      try (WandbClient client = builder(Map.of(), props).build()) {
        listAndDownload(client);
      }
      assertThat(open.tunnels()).isNotEmpty();
      // Unset, http.nonProxyHosts means the JDK's default, which exempts loopback.
      props.remove("http.nonProxyHosts");
      int before = open.tunnels().size();
      try (WandbClient client = builder(Map.of(), props).build()) {
        listAndDownload(client);
      }
      assertThat(open.tunnels()).hasSize(before);
    }
  }

  @Test
  void proxyOptionsNoneIgnoresTheEnvironment() throws Exception {
    try (WandbClient client =
        builder(Map.of("HTTP_PROXY", proxy.url()), Map.of()).proxy(ProxyOptions.NONE).build()) {
      listAndDownload(client);
    }
    assertThat(proxy.tunnels()).isEmpty();
  }

  @Test
  void httpsIsTunnelledEndToEndThroughHttpsProxy() throws Exception {
    io.netty.handler.ssl.SslContext tls =
        TlsServers.server(io.netty.handler.ssl.SslProvider.JDK, false);
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .secure(s -> s.sslContext(tls))
            .route(
                r ->
                    r.post(
                        "/graphql",
                        (req, res) ->
                            res.header("Content-Type", "application/json")
                                .sendString(
                                    Mono.just(
                                        "{\"data\":{\"project\":{\"run\":{\"fileCount\":7,"
                                            + "\"projectId\":1}}}}"))))
            .bindNow();
    try (WandbClient client =
        WandbClient.builder()
            .baseUrl("https://localhost:" + server.port())
            .apiKey("k")
            .trustManagerFactory(TlsServers.trust())
            .environment(
                Map.of(
                        "https_proxy",
                        proxy.url().replace("http://", "http://proxy-user:proxy-pass@"))
                    ::get,
                dir)
            .systemProperties(Map.<String, String>of()::get)
            .build()) {
      assertThat(client.run("acme/proj/r1").fileCount().block(Duration.ofSeconds(10)))
          .isEqualTo(7L);
    } finally {
      server.disposeNow();
    }
    assertThat(proxy.tunnels())
        .extracting(ConnectProxy.Tunnel::target)
        .containsOnly("CONNECT localhost:" + server.port());
  }

  @Test
  void aProxyVariableThatIsNotAnHttpProxyIsRefusedAndPasswordsAreNeverShown() {
    assertThatThrownBy(
            () -> builder(Map.of("HTTPS_PROXY", "socks5://127.0.0.1:1080"), Map.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HTTPS_PROXY");
    ProxyOptions options = ProxyOptions.http("proxy.example.com", 3128).credentials("u", "s3cr3t");
    assertThat(options.toString()).contains("proxy.example.com:3128").doesNotContain("s3cr3t");
  }

  @Test
  void theCommandLineHonoursTheProxyEnvironment() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.wandb4j.cli.Main",
                "ls",
                "acme/proj/r1",
                "--base-url",
                emu.baseUrl(),
                "--api-key",
                emu.apiKey())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).contains("proxy"));
    pb.environment().put("HTTP_PROXY", "http://proxy-user:proxy-pass@127.0.0.1:" + proxy.port());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("a.bin");
    assertThat(proxy.tunnels())
        .extracting(ConnectProxy.Tunnel::target)
        .contains("CONNECT 127.0.0.1:" + apiPort());
  }
}
