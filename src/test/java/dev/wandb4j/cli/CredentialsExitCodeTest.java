package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a key anywhere, the command line says where keys come from and exits with 3. */
class CredentialsExitCodeTest {
  @Test
  void aMissingKeyIsAnAuthenticationErrorWithExitCodeThree(@TempDir Path home) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Duser.home=" + home,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.wandb4j.cli.Main",
                "ls",
                "acme/proj/r1",
                "--base-url",
                "http://127.0.0.1:9")
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("WANDB_") || k.equals("NETRC"));
    env.put("HOME", home.toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isEqualTo(3);
    assertThat(out)
        .contains("WANDB_API_KEY")
        .contains("netrc")
        .contains("--api-key")
        .doesNotContain("builder")
        .doesNotContain("apiKey(");
  }
}
