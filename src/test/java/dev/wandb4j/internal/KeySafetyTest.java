package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.util.Loggers;

/** The key's neighbours: netrc found where `wandb login` writes it, guarded, and URLs not shown. */
class KeySafetyTest {
  private static final URI PUBLIC = URI.create("https://api.wandb.ai");

  @TempDir Path home;
  @TempDir Path javaHome;

  @Test
  void netrcUnderHomeIsReadBeforeTheOneUnderUserHome() throws Exception {
    Files.writeString(
        home.resolve(".netrc"), "machine api.wandb.ai login user password from-home\n");
    Files.writeString(
        javaHome.resolve(".netrc"), "machine api.wandb.ai login user password from-user-home\n");
    assertThat(
            Credentials.resolveApiKey(null, Map.of("HOME", home.toString())::get, javaHome, PUBLIC))
        .isEqualTo("from-home");
  }

  @Test
  void netrcUnderUserHomeIsReadWhenHomeHasNone() throws Exception {
    Files.writeString(
        javaHome.resolve(".netrc"), "machine api.wandb.ai login user password from-user-home\n");
    assertThat(
            Credentials.resolveApiKey(null, Map.of("HOME", home.toString())::get, javaHome, PUBLIC))
        .isEqualTo("from-user-home");
  }

  @Test
  void aNetrcReadableByOthersIsWarnedAboutOnce() throws Exception {
    Path netrc = home.resolve(".netrc");
    Files.writeString(netrc, "machine api.wandb.ai login user password k3y-in-netrc\n");
    Files.setPosixFilePermissions(netrc, PosixFilePermissions.fromString("rw-r--r--"));
    Path privateNetrc = javaHome.resolve(".netrc");
    Files.writeString(privateNetrc, "machine api.wandb.ai login user password k3y-in-netrc\n");
    Files.setPosixFilePermissions(privateNetrc, PosixFilePermissions.fromString("rw-------"));
    List<String> warnings =
        captureWarnings(
            () -> {
              Credentials.forgetWarnings();
              for (int i = 0; i < 3; i++) {
                Credentials.resolveApiKey(
                    null, Map.of("HOME", home.toString())::get, javaHome, PUBLIC);
              }
              Credentials.resolveApiKey(
                  null, Map.of("NETRC", privateNetrc.toString())::get, javaHome, PUBLIC);
            });
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains(netrc.toString())
        .contains("chmod 600")
        .doesNotContain("k3y-in-netrc");
  }

  @Test
  void fileDataAndPageDataNeverPrintSignedQueryStrings() {
    FileData f =
        new FileData(
            "id1",
            "model.ckpt",
            "https://storage.googleapis.com/bucket/model.ckpt?X-Goog-Signature=s3cr3t&X-Goog-Expires=900",
            "https://bucket.s3.amazonaws.com/model.ckpt?X-Amz-Signature=s3cr3t",
            10,
            "md5==",
            "application/octet-stream",
            Instant.EPOCH,
            7);
    PageData page = new PageData(List.of(f), "cursor-1", true);
    for (String shown : List.of(f.toString(), page.toString())) {
      assertThat(shown)
          .doesNotContain("s3cr3t")
          .doesNotContain("Signature")
          .contains("https://storage.googleapis.com/bucket/model.ckpt")
          .contains("https://bucket.s3.amazonaws.com/model.ckpt")
          .contains("model.ckpt");
    }
    assertThat(page.toString()).contains("cursor-1").contains("hasNextPage=true");
  }

  private static List<String> captureWarnings(Runnable r) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                && record.getLoggerName().contains("Credentials")) {
              lines.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger jul = Logger.getLogger("");
    jul.addHandler(capture);
    Loggers.useJdkLoggers();
    try {
      r.run();
    } finally {
      jul.removeHandler(capture);
      Loggers.resetLoggerFactory();
    }
    return lines;
  }
}
