package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.language.Document;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.MockedWiringFactory;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OperationsValidateAgainstSchemaTest {
  static GraphQLSchema schema() throws Exception {
    try (InputStream in =
        Operation.class.getResourceAsStream("/dev/wandb4j/schema/wandb-files.graphql")) {
      String sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new SchemaGenerator()
          .makeExecutableSchema(
              new SchemaParser().parse(sdl),
              RuntimeWiring.newRuntimeWiring().wiringFactory(new MockedWiringFactory()).build());
    }
  }

  static List<Operation> operations() {
    return Operation.ALL;
  }

  @ParameterizedTest
  @MethodSource("operations")
  void everyOperationTheClientSendsValidates(Operation op) throws Exception {
    Document doc = Parser.parse(op.document());
    List<ValidationError> errors = new Validator().validateDocument(schema(), doc, Locale.ROOT);
    assertThat(errors).isEmpty();
    assertThat(op.document()).contains(op.name());
  }

  @Test
  void theCheckCatchesAnOperationThatWouldNotRunAgainstWandb() throws Exception {
    GraphQL graphQl = GraphQL.newGraphQL(schema()).build();
    ExecutionResult r =
        graphQl.execute(
            ExecutionInput.newExecutionInput(
                    "query X { project(name: \"p\", entityName: \"e\") { internalId run(name: \"r\")"
                        + " { files { edges { node { sizeInBytes } } } } } }")
                .build());
    assertThat(r.getErrors()).isNotEmpty();
  }

  @Test
  void theSchemaCopyMatchesTheReference() throws Exception {
    java.nio.file.Path reference = java.nio.file.Path.of("../shared/reference/wandb-files.graphql");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.exists(reference), "the shared reference sits beside the checkout");
    try (InputStream in =
        Operation.class.getResourceAsStream("/dev/wandb4j/schema/wandb-files.graphql")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(java.nio.file.Files.readString(reference));
    }
  }
}
