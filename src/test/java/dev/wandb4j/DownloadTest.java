package dev.wandb4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.TestClients;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

class DownloadTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension storage =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final byte[] DATA = new byte[256 * 1024 + 17];

  static {
    new Random(42).nextBytes(DATA);
  }

  @TempDir Path root;
  private WandbClient client;
  private Run run;

  @BeforeEach
  void setUp() {
    client = TestClients.client(api.baseUrl());
    run = client.run("acme/proj/run1");
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  /** Lists a file whose url is the API's /files path, redirecting to signed storage. */
  private File hostedFile(String name, byte[] content) {
    ObjectNode node = Fixtures.node(name, "id1", content.length, api.baseUrl());
    node.put("md5", Fixtures.md5Base64(content));
    String encoded = name.replace(" ", "%20");
    node.put("url", api.baseUrl() + "/files/acme/proj/run1/" + encoded);
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    api.stubFor(
        get(urlPathEqualTo("/files/acme/proj/run1/" + encoded))
            .willReturn(
                aResponse()
                    .withStatus(302)
                    .withHeader(
                        "Location", storage.baseUrl() + "/bucket/obj?X-Goog-Signature=s1g")));
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .willReturn(
                aResponse().withStatus(200).withBody(content).withHeader("ETag", "\"e1\"")));
    return run.files().blockFirst(Duration.ofSeconds(10));
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().contains(".wandb4j-part")).map(Path::toString).toList();
    }
  }

  @Test
  void downloadsToRootSlashNameThroughTheRedirectAndVerifiesTheMd5() throws IOException {
    File f = hostedFile("media/images/a.bin", DATA);
    Path path = f.download(root).block(Duration.ofSeconds(10));
    assertThat(path).isEqualTo(root.resolve("media/images/a.bin").toAbsolutePath());
    assertThat(Files.readAllBytes(path)).isEqualTo(DATA);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void theKeyGoesToTheApiButNeverToStorage() {
    File f = hostedFile("a.bin", DATA);
    f.download(root).block(Duration.ofSeconds(10));
    LoggedRequest apiGet =
        api.findAll(getRequestedFor(urlPathEqualTo("/files/acme/proj/run1/a.bin"))).get(0);
    assertThat(apiGet.getHeader("Authorization")).startsWith("Basic ");
    List<LoggedRequest> storageGets =
        storage.findAll(getRequestedFor(urlPathEqualTo("/bucket/obj")));
    assertThat(storageGets).hasSize(1);
    assertThat(storageGets.get(0).containsHeader("Authorization")).isFalse();
    assertThat(storageGets.get(0).getUrl()).contains("X-Goog-Signature=s1g");
    assertThat(storageGets.get(0).getHeader("User-Agent")).startsWith("wandb4j/");
  }

  @Test
  void anMd5MismatchFailsNamingBothDigestsAndLeavesNothing() throws IOException {
    File f = hostedFile("a.bin", DATA);
    byte[] corrupt = DATA.clone();
    corrupt[1000] ^= 1;
    storage.stubFor(get(urlPathEqualTo("/bucket/obj")).willReturn(aResponse().withBody(corrupt)));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("MD5 mismatch")
                    .hasMessageContaining(f.md5())
                    .hasMessageContaining(Fixtures.md5Base64(corrupt)))
        .verify(Duration.ofSeconds(10));
    assertThat(root.resolve("a.bin")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void withVerificationOffAMismatchedDigestIsAccepted() throws IOException {
    File f = hostedFile("a.bin", DATA);
    byte[] corrupt = DATA.clone();
    corrupt[1000] ^= 1;
    storage.stubFor(get(urlPathEqualTo("/bucket/obj")).willReturn(aResponse().withBody(corrupt)));
    Path p =
        f.download(root, DownloadOptions.builder().verifyChecksum(false).build())
            .block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(corrupt);
  }

  @Test
  void aBodyOfTheWrongSizeFailsAndLeavesNothing() throws IOException {
    File f = hostedFile("a.bin", DATA);
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .willReturn(aResponse().withBody(java.util.Arrays.copyOf(DATA, 1000))));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining(String.valueOf(DATA.length)))
        .verify(Duration.ofSeconds(10));
    assertThat(root.resolve("a.bin")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void anExistingTargetFailsUnlessExistOkOrReplace() throws IOException {
    File f = hostedFile("a.bin", DATA);
    Files.write(root.resolve("a.bin"), new byte[] {1, 2, 3});

    StepVerifier.create(f.download(root))
        .expectError(FileAlreadyExistsException.class)
        .verify(Duration.ofSeconds(10));

    Path kept =
        f.download(root, DownloadOptions.builder().existOk(true).build())
            .block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(kept)).containsExactly(1, 2, 3);
    assertThat(storage.findAll(getRequestedFor(urlPathEqualTo("/bucket/obj")))).isEmpty();

    Path replaced =
        f.download(root, DownloadOptions.builder().replace(true).build())
            .block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(replaced)).isEqualTo(DATA);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "../escape.txt",
        "a/../../escape.txt",
        "a/./b.txt",
        "a//b.txt",
        "a/b/",
        "C:/windows/x.txt",
        "c:x.txt",
        "a\\..\\..\\x.txt",
        "nul\u0000byte.txt",
        "new\nline.txt",
        "..",
        ".",
      })
  void hostileNamesAreRefusedBeforeAnyRequestOrWrite(String name) throws IOException {
    ObjectNode node = Fixtures.node(name, "id1", 3, api.baseUrl());
    node.put("url", storage.baseUrl() + "/bucket/obj");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("Refused"))
        .verify(Duration.ofSeconds(10));
    assertThat(storage.getAllServeEvents()).isEmpty();
    try (Stream<Path> s = Files.list(root)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void aSymbolicLinkUnderTheRootCannotLeadOutside(@TempDir Path outside) throws IOException {
    Files.createSymbolicLink(root.resolve("media"), outside);
    File f = hostedFile("media/a.bin", DATA);
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("symbolic link"))
        .verify(Duration.ofSeconds(10));
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void zeroByteFilesNamesWithSpacesAndUnicodeWork() throws IOException {
    File f = hostedFile("logs/empty file ü.txt", new byte[0]);
    Path p = f.download(root).block(Duration.ofSeconds(10));
    assertThat(p.getFileName().toString()).isEqualTo("empty file ü.txt");
    assertThat(Files.size(p)).isZero();
  }

  @Test
  void notFoundIsNotRetried() {
    File f = hostedFile("a.bin", DATA);
    api.stubFor(
        get(urlPathEqualTo("/files/acme/proj/run1/a.bin")).willReturn(aResponse().withStatus(404)));
    StepVerifier.create(f.download(root))
        .expectError(WandbNotFoundException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(api.findAll(getRequestedFor(urlPathEqualTo("/files/acme/proj/run1/a.bin"))))
        .hasSize(1);
  }

  @Test
  void anExpiredSignedUrlIsRefreshedOnceAndTheDownloadSucceeds() throws IOException {
    ObjectNode node = Fixtures.node("a.bin", "id1", DATA.length, api.baseUrl());
    node.put("md5", Fixtures.md5Base64(DATA));
    node.put("url", storage.baseUrl() + "/bucket/obj?X-Amz-Expires=1");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .inScenario("expiry")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(403).withBody("<Error>Request has expired</Error>"))
            .willSetStateTo("fresh"));
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .inScenario("expiry")
            .whenScenarioStateIs("fresh")
            .willReturn(aResponse().withBody(DATA)));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    Path p = f.download(root).block(Duration.ofSeconds(10));
    assertThat(Files.readAllBytes(p)).isEqualTo(DATA);
    List<LoggedRequest> lookups =
        api.findAll(
            postRequestedFor(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.variables.fileNames[0]", equalTo("a.bin"))));
    assertThat(lookups).hasSize(1);
  }

  @Test
  void aStorageRefusalThatPersistsFailsWithoutLeakingTheSignature() {
    ObjectNode node = Fixtures.node("a.bin", "id1", DATA.length, api.baseUrl());
    node.put("url", storage.baseUrl() + "/bucket/obj?X-Amz-Signature=topsecret");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .willReturn(aResponse().withStatus(403).withBody("<Error>topsecret</Error>")));
    File f = run.files().blockFirst(Duration.ofSeconds(10));
    StepVerifier.create(f.download(root))
        .expectErrorSatisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("topsecret").contains("/bucket/obj");
              assertThat(((dev.wandb4j.error.WandbHttpException) e).bodyExcerpt())
                  .doesNotContain("topsecret");
            })
        .verify(Duration.ofSeconds(10));
    assertThat(storage.findAll(getRequestedFor(urlPathEqualTo("/bucket/obj")))).hasSize(2);
  }

  @Test
  void progressIsReportedAndReachesOneHundredPercentExactlyOnce() {
    File f = hostedFile("a.bin", DATA);
    List<DownloadProgress> seen = new CopyOnWriteArrayList<>();
    f.download(root, DownloadOptions.builder().progress(seen::add).build())
        .block(Duration.ofSeconds(10));
    assertThat(seen).isNotEmpty();
    assertThat(seen.stream().filter(DownloadProgress::isDone)).hasSize(1);
    DownloadProgress last = seen.get(seen.size() - 1);
    assertThat(last.bytesWritten()).isEqualTo(DATA.length);
    assertThat(last.totalBytes()).isEqualTo(DATA.length);
    assertThat(last.fraction()).isEqualTo(1.0);
    assertThat(last.file()).isEqualTo(f);
    List<Long> written = new ArrayList<>();
    seen.forEach(p -> written.add(p.bytesWritten()));
    assertThat(written).isSorted();
  }

  @Test
  void aThrowingProgressListenerFailsTheDownloadCleanly() throws IOException {
    File f = hostedFile("a.bin", DATA);
    DownloadOptions opts =
        DownloadOptions.builder()
            .progress(
                p -> {
                  throw new IllegalStateException("listener bug");
                })
            .build();
    StepVerifier.create(f.download(root, opts))
        .expectErrorMessage("listener bug")
        .verify(Duration.ofSeconds(10));
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void contentStreamsTheBodyWithoutTouchingDisk() {
    File f = hostedFile("a.bin", DATA);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    f.content()
        .doOnNext(
            buf -> {
              byte[] chunk = new byte[buf.readableBytes()];
              buf.readBytes(chunk);
              buf.release();
              out.writeBytes(chunk);
            })
        .blockLast(Duration.ofSeconds(10));
    assertThat(out.toByteArray()).isEqualTo(DATA);
  }

  @Test
  void contentCancelledMidwayLeaksNoBuffer() {
    File f = hostedFile("a.bin", DATA);
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .willReturn(aResponse().withBody(DATA).withChunkedDribbleDelay(50, 1000)));
    StepVerifier.create(f.content().doOnNext(io.netty.buffer.ByteBuf::release), 1)
        .expectNextCount(1)
        .thenCancel()
        .verify(Duration.ofSeconds(10));
    assertThat(dev.wandb4j.testing.LeakDetection.collect()).isEmpty();
  }

  @Test
  void cancellingADownloadLeavesNoPartFile() throws Exception {
    File f = hostedFile("slow.bin", DATA);
    storage.stubFor(
        get(urlPathEqualTo("/bucket/obj"))
            .willReturn(aResponse().withBody(DATA).withChunkedDribbleDelay(100, 5000)));
    reactor.core.Disposable d = f.download(root).subscribe();
    Path part = root.resolve("slow.bin.wandb4j-part");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!Files.exists(part) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(part).exists();
    Thread.sleep(300);
    d.dispose();
    deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (Files.exists(part) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(part).doesNotExist();
    assertThat(root.resolve("slow.bin")).doesNotExist();
  }
}
