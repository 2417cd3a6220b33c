package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path home;

  private static final URI PUBLIC = URI.create("https://api.wandb.ai");

  @Test
  void anExplicitKeyWins() {
    assertThat(
            Credentials.resolveApiKey(
                "explicit", Map.of("WANDB_API_KEY", "env")::get, home, PUBLIC))
        .isEqualTo("explicit");
  }

  @Test
  void theEnvironmentComesNext() {
    assertThat(Credentials.resolveApiKey(null, Map.of("WANDB_API_KEY", "env")::get, home, PUBLIC))
        .isEqualTo("env");
  }

  @Test
  void thenTheNetrcEntryForTheApiHost() throws Exception {
    Files.writeString(
        home.resolve(".netrc"),
        "machine other.host login user password nope\n"
            + "machine api.wandb.ai\n  login user\n  password from-netrc\n");
    assertThat(Credentials.resolveApiKey(null, Map.<String, String>of()::get, home, PUBLIC))
        .isEqualTo("from-netrc");
  }

  @Test
  void aPortIsPartOfTheMachineName() throws Exception {
    Path netrc = home.resolve("custom-netrc");
    Files.writeString(
        netrc,
        "machine localhost login user password wrong\n"
            + "machine localhost:8080 login user password right\n");
    assertThat(
            Credentials.resolveApiKey(
                null,
                Map.of("NETRC", netrc.toString())::get,
                home,
                URI.create("http://localhost:8080/api")))
        .isEqualTo("right");
  }

  @Test
  void withoutAKeyItIsAnAuthenticationErrorThatSaysHowToProvideOne() {
    assertThatThrownBy(
            () -> Credentials.resolveApiKey(null, Map.<String, String>of()::get, home, PUBLIC))
        .isInstanceOf(dev.wandb4j.error.WandbAuthenticationException.class)
        .hasMessageContaining("WANDB_API_KEY")
        .hasMessageContaining("netrc")
        .hasMessageContaining("--api-key")
        .hasMessageNotContaining("builder")
        .hasMessageNotContaining("apiKey(");
  }

  @Test
  void netrcParsingHandlesQuotesCommentsMacrosAndDefault() {
    String text =
        "# comment\n"
            + "macdef init\n machine api.wandb.ai password fake\n\n"
            + "default login anon password anon\n"
            + "machine api.wandb.ai login \"a user\" password \"quoted key\"\n";
    assertThat(Credentials.parsePassword(text, "api.wandb.ai")).isEqualTo("quoted key");
    assertThat(Credentials.parsePassword("default login a password b", "api.wandb.ai")).isNull();
  }
}
