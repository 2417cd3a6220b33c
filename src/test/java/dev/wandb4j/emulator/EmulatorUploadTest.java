package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wandb4j.File;
import dev.wandb4j.testing.Bodies;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator takes uploads as W&amp;B does: upload URLs from {@code createRunFiles} (or the
 * legacy {@code RunUploadUrls}), one signed PUT each, and the file listed and downloadable as soon
 * as the PUT is answered. Checked on the wire with the JDK's HTTP client.
 */
class EmulatorUploadTest {
  private WandbEmulator emu;
  private Wire wire;

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    emu.run("acme/proj/r1");
    wire = new Wire(emu);
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private String uploadUrl(String name) throws Exception {
    JsonNode res =
        wire.graphQl(
            Wire.CREATE_RUN_FILES, Wire.createRunFiles("acme", "proj", "r1", List.of(name)));
    assertThat(res.has("errors")).as(res.toString()).isFalse();
    JsonNode file = res.get("data").get("createRunFiles").get("files").get(0);
    assertThat(file.get("name").asText()).isEqualTo(name);
    return file.get("uploadUrl").asText();
  }

  private static String md5(byte[] bytes) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
  }

  private List<String> listed() {
    return emu.client()
        .run("acme/proj/r1")
        .files()
        .map(File::name)
        .collectList()
        .block(Duration.ofSeconds(10));
  }

  @Test
  void aPutToAnUrlFromCreateRunFilesIsListedAndDownloadableAtOnce() throws Exception {
    byte[] bytes = "evaluation results\n".getBytes(StandardCharsets.UTF_8);
    String url = uploadUrl("eval/results.txt");
    assertThat(url).startsWith(emu.storageUrl() + "/uploads/").contains("X-Signature=");
    assertThat(listed()).as("nothing is listed before the upload").isEmpty();

    HttpResponse<String> put = wire.put(url, bytes);

    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.headers().firstValue("ETag"))
        .hasValue(
            "\""
                + java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(md5(bytes)))
                + "\"");
    File f =
        emu.client().run("acme/proj/r1").file("eval/results.txt").block(Duration.ofSeconds(10));
    assertThat(f.size()).isEqualTo(bytes.length);
    assertThat(f.md5()).isEqualTo(md5(bytes));
    assertThat(Bodies.collect(f.content())).isEqualTo(bytes);
    RecordedRequest upload =
        emu.requests().stream().filter(r -> r.method().equals("PUT")).findFirst().orElseThrow();
    assertThat(upload.server()).isEqualTo("storage");
    assertThat(upload.authorization()).isFalse();
  }

  @Test
  void anUploadReplacesTheFileOfTheSameName() throws Exception {
    emu.run("acme/proj/r1").addFile("model.bin", new byte[] {1, 2, 3});
    byte[] next = new byte[] {4, 5, 6, 7};

    assertThat(wire.put(uploadUrl("model.bin"), next).statusCode()).isEqualTo(200);

    assertThat(listed()).containsExactly("model.bin");
    assertThat(emu.run("acme/proj/r1").file("model.bin").md5()).isEqualTo(md5(next));
  }

  @Test
  void aPutCarryingAnAuthorizationHeaderIsRefusedAndNothingIsStored() throws Exception {
    HttpResponse<String> res =
        wire.put(uploadUrl("a.txt"), new byte[] {1}, "Authorization", wire.auth());

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.body()).contains("Only one auth mechanism allowed");
    assertThat(listed()).isEmpty();
  }

  @Test
  void aTamperedSignatureAnotherNameOrADownloadUrlIsRefused() throws Exception {
    String url = uploadUrl("a.txt");
    emu.run("acme/proj/r1").addFile("existing.txt", new byte[] {9});

    assertThat(wire.put(url.replace("X-Signature=", "X-Signature=0"), new byte[] {1}).statusCode())
        .isEqualTo(403);
    assertThat(wire.put(url.replace("/a.txt?", "/b.txt?"), new byte[] {1}).statusCode())
        .isEqualTo(403);
    String download = emu.signedUrl(emu.run("acme/proj/r1").file("existing.txt"));
    assertThat(wire.put(download, new byte[] {1}).statusCode()).isEqualTo(405);
    assertThat(wire.get(url).statusCode()).isEqualTo(405);
    assertThat(listed()).containsExactly("existing.txt");
  }

  @Test
  void anExpiredUploadUrlIsRefused() throws Exception {
    String url = uploadUrl("a.txt");
    emu.uploadFaults().expireSignedUrls(true);

    HttpResponse<String> res = wire.put(url, new byte[] {1});

    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.body()).contains("expired");
    assertThat(listed()).isEmpty();
  }

  @Test
  void uploadHeadersAreHandedOutAndAPutWithoutThemIsRefused() throws Exception {
    emu.close();
    emu = WandbEmulator.builder().uploadHeaders("x-ms-blob-type:BlockBlob").start();
    emu.run("acme/proj/r1");
    wire = new Wire(emu);
    JsonNode res =
        wire.graphQl(
            Wire.CREATE_RUN_FILES, Wire.createRunFiles("acme", "proj", "r1", List.of("a.txt")));
    JsonNode payload = res.get("data").get("createRunFiles");
    assertThat(payload.get("uploadHeaders").get(0).asText()).isEqualTo("x-ms-blob-type:BlockBlob");
    String url = payload.get("files").get(0).get("uploadUrl").asText();

    HttpResponse<String> without = wire.put(url, new byte[] {1});
    HttpResponse<String> with = wire.put(url, new byte[] {1}, "x-ms-blob-type", "BlockBlob");

    assertThat(without.statusCode()).isEqualTo(400);
    assertThat(without.body()).contains("MissingRequiredHeader").contains("x-ms-blob-type");
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(listed()).containsExactly("a.txt");
  }

  @Test
  void aBodyCutShortStoresNothingAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    emu.close();
    Files.createDirectories(dir.resolve("acme/proj/r1"));
    emu = WandbEmulator.builder().directory(dir).start();
    wire = new Wire(emu);
    URI url = URI.create(uploadUrl("cut.bin"));

    try (Socket s = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT "
                  + url.getRawPath()
                  + "?"
                  + url.getRawQuery()
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Length: 1000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[400]);
      out.flush();
    }

    assertThat(listed()).isEmpty();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!leftovers(dir).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void aPutIntoAServedFolderDoesNotReadTheRunsFolderAgain(@TempDir Path dir) throws Exception {
    emu.close();
    Files.createDirectories(dir.resolve("acme/proj/r1"));
    for (int i = 0; i < 50; i++) {
      Files.write(dir.resolve("acme/proj/r1/old-" + i + ".bin"), new byte[] {(byte) i});
    }
    emu = WandbEmulator.builder().directory(dir).start();
    wire = new Wire(emu);
    List<String> names = List.of("a.bin", "b.bin", "c.bin");
    JsonNode res =
        wire.graphQl(Wire.CREATE_RUN_FILES, Wire.createRunFiles("acme", "proj", "r1", names));
    JsonNode files = res.get("data").get("createRunFiles").get("files");
    long before = emu.folderReads();

    for (int i = 0; i < names.size(); i++) {
      assertThat(
              wire.put(files.get(i).get("uploadUrl").asText(), new byte[] {7, (byte) i})
                  .statusCode())
          .isEqualTo(200);
    }

    assertThat(emu.folderReads()).as("folder reads during the PUTs").isEqualTo(before);
    assertThat(Files.readAllBytes(dir.resolve("acme/proj/r1/c.bin"))).containsExactly(7, 2);
    assertThat(listed()).contains("a.bin", "b.bin", "c.bin", "old-0.bin").hasSize(53);
  }

  @Test
  void anUploadThroughALinkedFolderIsRefusedAndWritesNothingOutside(
      @TempDir Path dir, @TempDir Path outside) throws Exception {
    emu.close();
    Files.createDirectories(dir.resolve("acme/proj/r1"));
    Files.createSymbolicLink(dir.resolve("acme/proj/r1/link"), outside);
    emu = WandbEmulator.builder().directory(dir).start();
    wire = new Wire(emu);

    HttpResponse<String> res = wire.put(uploadUrl("link/planted.txt"), new byte[] {1});

    assertThat(res.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(leftovers(outside)).isEmpty();
    assertThat(listed()).isEmpty();
  }

  private static List<Path> leftovers(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aPutWithoutContentLengthIsRefused() throws Exception {
    URI url = URI.create(uploadUrl("chunked.bin"));
    String answer;
    try (Socket s = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT "
                  + url.getRawPath()
                  + "?"
                  + url.getRawQuery()
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] head = new byte[64];
      int n = s.getInputStream().read(head);
      answer = new String(head, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
    }
    assertThat(answer).startsWith("HTTP/1.1 411");
    assertThat(listed()).isEmpty();
  }

  @Test
  void createRunFilesRefusesAMissingRunAndNamesThatCouldEscapeAFolder() throws Exception {
    JsonNode missing =
        wire.graphQl(
            Wire.CREATE_RUN_FILES, Wire.createRunFiles("acme", "proj", "nope", List.of("a.txt")));
    assertThat(missing.get("errors").get(0).get("message").asText()).contains("not found");

    for (String name : List.of("../x.txt", "/etc/passwd", "a//b", "a\\b", "x.wandb4j-part", "")) {
      JsonNode res =
          wire.graphQl(
              Wire.CREATE_RUN_FILES, Wire.createRunFiles("acme", "proj", "r1", List.of(name)));
      assertThat(res.get("errors")).as(name).isNotNull();
      assertThat(res.get("errors").get(0).get("message").asText()).contains("invalid file name");
    }
  }

  @Test
  void theLegacyQueryHandsOutUploadUrlsForNewAndExistingNames() throws Exception {
    emu.run("acme/proj/r1").addFile("old.txt", new byte[] {1});
    Map<String, Object> vars =
        Map.of(
            "name", "proj", "entity", "acme", "run", "r1", "files", List.of("old.txt", "new.txt"));

    JsonNode res = wire.graphQl(Wire.RUN_UPLOAD_URLS, vars);

    assertThat(res.has("errors")).as(res.toString()).isFalse();
    JsonNode files = res.get("data").get("model").get("bucket").get("files");
    assertThat(files.get("uploadHeaders")).isEmpty();
    assertThat(files.get("edges")).hasSize(2);
    String newUrl = files.get("edges").get(1).get("node").get("url").asText();
    assertThat(files.get("edges").get(1).get("node").get("name").asText()).isEqualTo("new.txt");
    assertThat(wire.put(newUrl, new byte[] {7}).statusCode()).isEqualTo(200);
    assertThat(listed()).containsExactly("old.txt", "new.txt");
    JsonNode noRun =
        wire.graphQl(
            Wire.RUN_UPLOAD_URLS,
            Map.of("name", "proj", "entity", "acme", "run", "nope", "files", List.of("a")));
    assertThat(noRun.get("data").get("model").get("bucket").isNull()).isTrue();
  }

  @Test
  void anOlderServerHasNoCreateRunFilesButTakesLegacyUploads() throws Exception {
    emu.close();
    emu = WandbEmulator.builder().createRunFiles(false).start();
    emu.run("acme/proj/r1");
    wire = new Wire(emu);
    JsonNode probe =
        wire.graphQl(
            "query ProbeServerCapabilities { MutationType: __type(name: \"Mutation\") { fields {"
                + " name } } }",
            Map.of());
    assertThat(probe.findValuesAsText("name")).contains("deleteFiles", "upsertBucket");
    assertThat(probe.findValuesAsText("name")).doesNotContain("createRunFiles");

    JsonNode refused =
        wire.graphQl(
            Wire.CREATE_RUN_FILES, Wire.createRunFiles("acme", "proj", "r1", List.of("a.txt")));
    assertThat(refused.get("errors").get(0).get("message").asText()).contains("createRunFiles");

    JsonNode legacy =
        wire.graphQl(
            Wire.RUN_UPLOAD_URLS,
            Map.of("name", "proj", "entity", "acme", "run", "r1", "files", List.of("a.txt")));
    String url =
        legacy
            .get("data")
            .get("model")
            .get("bucket")
            .get("files")
            .get("edges")
            .get(0)
            .get("node")
            .get("url")
            .asText();
    assertThat(wire.put(url, new byte[] {1, 2}).statusCode()).isEqualTo(200);
    assertThat(listed()).containsExactly("a.txt");
  }
}
