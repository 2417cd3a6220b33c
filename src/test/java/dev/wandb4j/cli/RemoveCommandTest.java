package dev.wandb4j.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.testing.Fixtures;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code wandb4j rm}: what it deletes, what it refuses, what it reports when a deletion fails. */
class RemoveCommandTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private WandbEmulator emu;
  private EmulatedRun run;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    emu = WandbEmulator.start();
    run = emu.run("acme/proj/r1");
  }

  @AfterEach
  void tearDown() {
    emu.close();
  }

  private static Result cli(String baseUrl, String apiKey, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--base-url";
    all[args.length + 1] = baseUrl;
    all[args.length + 2] = "--api-key";
    all[args.length + 3] = apiKey;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            all,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new BufferedReader(new StringReader("")),
            new Main.Console(false, () -> 80, java.util.Map.of()));
    return new Result(code, out.toString(), err.toString());
  }

  private Result rm(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "rm";
    all[1] = "acme/proj/r1";
    System.arraycopy(args, 0, all, 2, args.length);
    return cli(emu.baseUrl(), emu.apiKey(), all);
  }

  @Test
  void rmDeletesEveryMatchWhenTheListingTakesMoreThanOnePage() {
    for (int i = 0; i < 1200; i++) {
      run.addFile("media/" + i + ".png", new byte[] {(byte) i});
      if (i % 100 == 0) {
        run.addFile("keep/" + i + ".txt", new byte[] {1});
      }
    }

    Result r = rm("--pattern", "media/%", "--yes");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("1200 files").contains("Deleted 1200 files.");
    assertThat(run.fileCount()).isEqualTo(12);
    assertThat(run.files()).allMatch(f -> f.name().startsWith("keep/"));
    List<String> ops =
        emu.requests().stream()
            .map(RecordedRequest::operationName)
            .filter(op -> op != null)
            .toList();
    // Two pages of a thousand, both before the first of twelve deletions of a hundred.
    assertThat(ops.subList(0, 2)).containsOnly("RunFiles");
    assertThat(ops.subList(2, ops.size())).hasSize(12).containsOnly("DeleteFiles");
  }

  @Test
  void rmWithAnEmptyNameIsAUsageErrorAndSendsNothing() {
    run.addFile("a.txt", new byte[] {1});

    Result r = rm("--name", "", "--yes");

    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("must not be empty");
    assertThat(emu.requests()).isEmpty();
    assertThat(run.fileCount()).isEqualTo(1);
  }

  @Test
  void rmReportsHowManyFilesItDeletedBeforeAnError() {
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFiles")))
            .willReturn(okJson(Fixtures.page(0, 250, false, api.baseUrl()))));
    api.stubFor(
        post("/graphql")
            .inScenario("deletions")
            .whenScenarioStateIs(Scenario.STARTED)
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(okJson("{\"data\":{\"deleteFiles\":{\"success\":true}}}"))
            .willSetStateTo("refusing"));
    api.stubFor(
        post("/graphql")
            .inScenario("deletions")
            .whenScenarioStateIs("refusing")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(aResponse().withStatus(403)));

    Result r =
        cli(
            api.baseUrl(),
            "k3y-0123456789abcdef0123456789abcdef01234567",
            "rm",
            "acme/proj/run1",
            "--pattern",
            "f%",
            "--yes");

    assertThat(r.code()).isEqualTo(Main.AUTH);
    assertThat(r.out()).contains("Deleted 100 of 250 files before an error");
    assertThat(r.err()).contains("error: W&B refused the credentials (HTTP 403)");
    assertThat(
            api.findAll(
                postRequestedFor(urlEqualTo("/graphql"))
                    .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))))
        .hasSize(2);
  }
}
