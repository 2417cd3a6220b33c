package dev.wandb4j.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.wandb4j.DownloadOptions;
import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.RawHttpServer;
import dev.wandb4j.testing.TestClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * A write that fails leaves a hole in the part file: the download fails with the disk's error and
 * commits nothing, even when the connection broke first and a retry would otherwise resume.
 */
class WriteFailureTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final byte[] DATA = new byte[1 << 20];
  static final int CUT = 600_000;

  static {
    new Random(9).nextBytes(DATA);
  }

  @TempDir Path root;
  private RawHttpServer server;
  private WandbClient client;

  @AfterEach
  void tearDown() throws IOException {
    FileIo.channels = java.util.function.UnaryOperator.identity();
    client.close();
    server.close();
  }

  @Test
  void aWriteThatFailsAfterTheConnectionBrokeFailsTheDownloadInsteadOfResumingPastTheHole()
      throws Exception {
    server =
        new RawHttpServer(
            (n, req, out) -> {
              if (n == 0) {
                RawHttpServer.head(out, 200, "Content-Length: " + DATA.length, "ETag: \"v1\"");
                out.write(DATA, 0, CUT);
                return;
              }
              String range = req.header("Range");
              int from =
                  range == null
                      ? 0
                      : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
              RawHttpServer.head(
                  out,
                  from == 0 ? 200 : 206,
                  "Content-Length: " + (DATA.length - from),
                  "Content-Range: bytes " + from + "-" + (DATA.length - 1) + "/" + DATA.length,
                  "ETag: \"v1\"");
              out.write(DATA, from, DATA.length - from);
            });
    // The first write fails, but only after the broken connection has been seen.
    AtomicBoolean failedOnce = new AtomicBoolean();
    FileIo.channels = ch -> new FailingFirstWrite(ch, failedOnce);
    client = TestClients.client(api.baseUrl());
    ObjectNode node = Fixtures.node("data.bin", "id1", DATA.length, api.baseUrl());
    node.put("md5", Fixtures.md5Base64(DATA));
    node.put("url", server.baseUrl() + "/bucket/data.bin?sig=1");
    api.stubFor(post("/graphql").willReturn(okJson(Fixtures.pageOf(node))));
    File f = client.run("acme/proj/run1").files().blockFirst(Duration.ofSeconds(10));

    StepVerifier.create(f.download(root, DownloadOptions.builder().verifyChecksum(false).build()))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(WandbTransferException.class)
                    .hasMessageContaining("Could not write")
                    .hasMessageContaining("disk on fire"))
        .verify(Duration.ofSeconds(20));
    assertThat(failedOnce).isTrue();
    assertThat(root.resolve("data.bin")).doesNotExist();
    assertThat(Fixtures.partFiles(root)).isEmpty();
  }

  /** A channel whose first write fails a second after it was asked for. */
  static final class FailingFirstWrite extends AsynchronousFileChannel {
    private final AsynchronousFileChannel ch;
    private final AtomicBoolean failed;

    FailingFirstWrite(AsynchronousFileChannel ch, AtomicBoolean failed) {
      this.ch = ch;
      this.failed = failed;
    }

    @Override
    public <A> void write(
        ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> h) {
      if (position == 0 && failed.compareAndSet(false, true)) {
        Schedulers.parallel()
            .schedule(
                () -> h.failed(new IOException("disk on fire"), attachment),
                1,
                java.util.concurrent.TimeUnit.SECONDS);
        return;
      }
      ch.write(src, position, attachment, h);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
      return ch.write(src, position);
    }

    @Override
    public <A> void read(
        ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> h) {
      ch.read(dst, position, attachment, h);
    }

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
      return ch.read(dst, position);
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
      ch.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      ch.force(metaData);
    }

    @Override
    public <A> void lock(
        long position,
        long size,
        boolean shared,
        A attachment,
        CompletionHandler<FileLock, ? super A> h) {
      ch.lock(position, size, shared, attachment, h);
    }

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
      return ch.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return ch.tryLock(position, size, shared);
    }

    @Override
    public boolean isOpen() {
      return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
