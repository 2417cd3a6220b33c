package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.testing.ApiAndStorage;
import dev.wandb4j.testing.TestClients;
import dev.wandb4j.testing.TlsServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an upload puts on the wire, against a server that is both the API and storage (W&amp;B's
 * upload URLs may point at the API's own origin, as a self-hosted server's do): the key goes with
 * the GraphQL calls and never with the PUT, over plain http (where the body is a file region), over
 * TLS (where it is read in chunks) and over HTTP/2 (a stream of a shared connection), and the bytes
 * arrive intact.
 */
class UploadTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private Path file(int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve("model.bin"), bytes);
  }

  private static String md5(Path p) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
  }

  private void uploadsIntactAndTheKeyStaysWithTheApi(ApiAndStorage server, WandbClient client)
      throws Exception {
    // Several chunks' worth, and not a whole number of them.
    Path local = file((3 << 20) + 17);

    File uploaded = client.run("acme/proj/run1").upload(local, "ckpt/model.bin").block(WAIT);

    assertThat(uploaded.size()).isEqualTo((3 << 20) + 17);
    assertThat(uploaded.md5()).isEqualTo(md5(local));
    assertThat(server.size("ckpt/model.bin")).isEqualTo((3 << 20) + 17);
    assertThat(server.md5("ckpt/model.bin")).isEqualTo(md5(local));
    assertThat(server.seen())
        .extracting(ApiAndStorage.Seen::method, ApiAndStorage.Seen::authorization)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", true),
            org.assertj.core.groups.Tuple.tuple("POST", true),
            org.assertj.core.groups.Tuple.tuple("PUT", false),
            org.assertj.core.groups.Tuple.tuple("POST", true));
    assertThat(server.seen().get(2).path())
        .isEqualTo("/storage/ckpt%2Fmodel.bin?X-Signature=s3cr3t");
  }

  @Test
  void overPlainHttpTheKeyNeverGoesWithThePutEvenToTheApisOwnOrigin() throws Exception {
    try (ApiAndStorage server = new ApiAndStorage();
        WandbClient client = TestClients.client(server.base())) {
      uploadsIntactAndTheKeyStaysWithTheApi(server, client);
    }
  }

  @Test
  void overTlsTheBodyIsReadInChunksAndArrivesIntactWithoutTheKey() throws Exception {
    try (ApiAndStorage server = new ApiAndStorage(true, false);
        WandbClient client =
            TestClients.builder(server.base()).trustManagerFactory(TlsServers.trust()).build()) {
      uploadsIntactAndTheKeyStaysWithTheApi(server, client);
      assertThat(server.seen()).allMatch(s -> s.version().equals("HTTP/1.1"));
    }
  }

  @Test
  void overHttp2TheBodyGoesOnAStreamAndArrivesIntactWithoutTheKey() throws Exception {
    try (ApiAndStorage server = new ApiAndStorage(true, true);
        WandbClient client =
            TestClients.builder(server.base())
                .trustManagerFactory(TlsServers.trust())
                .http2(true)
                .build()) {
      uploadsIntactAndTheKeyStaysWithTheApi(server, client);
      assertThat(server.seen()).allMatch(s -> s.version().equals("HTTP/2.0"));
    }
  }
}
