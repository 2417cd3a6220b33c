package dev.wandb4j.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.wandb4j.error.WandbConnectionException;
import dev.wandb4j.error.WandbHttpException;
import dev.wandb4j.testing.WireMockApiTest;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The transport retries only operations that may be sent twice: a mutation gets one attempt,
 * whatever the retry settings, so that none inherits the retries of GraphQL queries by accident.
 */
class MutationsAreNotRetriedTest extends WireMockApiTest {
  private HttpCore http;
  private GraphQlClient gql;

  @BeforeEach
  void setUpTransport() {
    ClientSettings settings =
        new ClientSettings(
            URI.create(api.baseUrl()),
            "k3y-0123456789abcdef0123456789abcdef01234567",
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(1)),
            "wandb4j-test",
            1 << 20,
            null);
    http = new HttpCore(settings, new TransferBudget(1 << 20), TransportOptions.defaults(4));
    gql = new GraphQlClient(http);
  }

  @AfterEach
  void closeTransport() {
    http.closeAsync().block(Duration.ofSeconds(10));
  }

  private int sent(String operation) {
    return api.findAll(
            postRequestedFor(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo(operation))))
        .size();
  }

  private static Map<String, Object> deleteVariables() {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("files", List.of("id0"));
    vars.put("projectId", 1);
    return vars;
  }

  private static Map<String, Object> countVariables() {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("project", "proj");
    vars.put("entity", "acme");
    vars.put("name", "run1");
    return vars;
  }

  @Test
  void everyMutationTheClientSendsIsMarkedNotIdempotentAndEveryQueryIdempotent() {
    for (Operation op : Operation.ALL) {
      OperationDefinition def =
          Parser.parse(op.document()).getDefinitionsOfType(OperationDefinition.class).get(0);
      boolean mutation = def.getOperation() != OperationDefinition.Operation.QUERY;
      assertThat(op.isIdempotent()).as(op.name()).isEqualTo(!mutation);
    }
    assertThat(Operation.DELETE_FILES.isIdempotent()).isFalse();
    assertThat(Operation.RUN_FILES.isIdempotent()).isTrue();
  }

  @Test
  void theKindOfADocumentIsReadPastCommentsAndWhiteSpace() {
    assertThat(Operation.firstKeyword("# deletes\n\n  mutation DeleteFiles { x }"))
        .isEqualTo("mutation");
    assertThat(Operation.firstKeyword("\uFEFF, query Q { x }")).isEqualTo("query");
    assertThat(Operation.firstKeyword("{ viewer { id } }")).isEqualTo("query");
    assertThat(Operation.firstKeyword("subscription S { x }")).isEqualTo("subscription");
  }

  @Test
  void aMutationAnswered503IsSentOnceWhileAQueryIsRetried() {
    api.stubFor(post("/graphql").willReturn(aResponse().withStatus(503)));

    StepVerifier.create(
            gql.execute(
                Operation.DELETE_FILES, deleteVariables(), Dtos.DeleteData.class, "a deletion"))
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(WandbHttpException.class).hasMessageContaining("503"))
        .verify(Duration.ofSeconds(10));
    assertThat(sent("DeleteFiles")).isEqualTo(1);

    StepVerifier.create(
            gql.execute(
                Operation.RUN_FILE_COUNT, countVariables(), Dtos.ProjectData.class, "a count"))
        .expectError(WandbHttpException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(sent("RunFileCount")).isEqualTo(4);
  }

  @Test
  void aMutationWhoseConnectionClosesWithoutAnAnswerIsSentOnce() {
    api.stubFor(post("/graphql").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

    StepVerifier.create(
            gql.execute(
                Operation.DELETE_FILES, deleteVariables(), Dtos.DeleteData.class, "a deletion"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(WandbConnectionException.class);
              assertThat(((WandbConnectionException) e).isRetryable()).isTrue();
            })
        .verify(Duration.ofSeconds(10));
    assertThat(sent("DeleteFiles")).isEqualTo(1);

    StepVerifier.create(
            gql.execute(
                Operation.RUN_FILE_COUNT, countVariables(), Dtos.ProjectData.class, "a count"))
        .expectError(WandbConnectionException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(sent("RunFileCount")).isEqualTo(4);
  }
}
