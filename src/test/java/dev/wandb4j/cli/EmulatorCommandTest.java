package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.File;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.error.WandbAuthenticationException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wandb4j emulator}, run as its own process: it serves the folder live and accepts the key
 * given with {@code --api-key}, and only that key.
 */
class EmulatorCommandTest {
  @Test
  void theEmulatorServesItsFolderLiveWithTheKeyItWasGiven(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("acme/proj/r1/first.txt");
    Files.createDirectories(first.getParent());
    Files.writeString(first, "first");
    String key = "k".repeat(40);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "emulator",
                "--dir",
                dir.toString(),
                "--api-key",
                key)
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String baseUrl =
          CompletableFuture.supplyAsync(() -> baseUrlFrom(out)).get(30, TimeUnit.SECONDS);
      assertThat(baseUrl).startsWith("http://127.0.0.1:");

      try (WandbClient client = WandbClient.builder().baseUrl(baseUrl).apiKey(key).build();
          WandbClient wrongKey =
              WandbClient.builder()
                  .baseUrl(baseUrl)
                  .apiKey(WandbEmulator.DEFAULT_API_KEY)
                  .build()) {
        assertThat(names(client)).containsExactly("first.txt");
        Files.writeString(dir.resolve("acme/proj/r1/later.txt"), "added while serving");
        assertThat(names(client)).containsExactlyInAnyOrder("first.txt", "later.txt");
        assertThatThrownBy(() -> names(wrongKey)).isInstanceOf(WandbAuthenticationException.class);
      }
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static List<String> names(WandbClient client) {
    return client
        .run("acme/proj/r1")
        .files()
        .map(File::name)
        .collectList()
        .block(Duration.ofSeconds(10));
  }

  private static String baseUrlFrom(BufferedReader out) {
    try {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        int at = line.indexOf("export WANDB_BASE_URL=");
        if (at >= 0) {
          return line.substring(at + "export WANDB_BASE_URL=".length()).strip();
        }
      }
      return null;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
