package dev.wandb4j;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.error.WandbDeleteException;
import dev.wandb4j.testing.Fixtures;
import dev.wandb4j.testing.WireMockApiTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deletion whose answer arrives but cannot be read is treated as a lost answer. */
class DeleteAnswersTest extends WireMockApiTest {

  /**
   * A mutation that was applied but whose 200 answer arrived cut short (a close-delimited body cut
   * by a proxy) may have taken effect, as after a timeout: the batch is checked by name, and the
   * count is right. (Before 2026-11-30 it was taken for a refusal: no check, "deleted 0 of 10".)
   */
  @Test
  void aMutationAnsweredWithACutBodyIsCheckedNotReportedAsDeletingNothing() {
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFiles")))
            .willReturn(okJson(Fixtures.page(0, 10, false, api.baseUrl()))));
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("DeleteFiles")))
            .willReturn(okJson("{\"data\":{\"deleteFiles\":{\"succ")));
    // The server did delete them: the lookup finds none of them.
    api.stubFor(
        post("/graphql")
            .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileIds")))
            .willReturn(okJson(Fixtures.page(0, 0, false, api.baseUrl()))));

    long deleted;
    try {
      deleted = run.deleteFiles(run.files()).block(Duration.ofSeconds(20));
    } catch (WandbDeleteException e) {
      deleted = e.deletedCount();
    }
    int checks =
        api.findAll(
                postRequestedFor(urlEqualTo("/graphql"))
                    .withRequestBody(matchingJsonPath("$.operationName", equalTo("RunFileIds"))))
            .size();
    assertThat(checks).as("a mutation whose answer was unreadable must be checked").isPositive();
    assertThat(deleted).as("the server deleted all 10").isEqualTo(10);
  }
}
