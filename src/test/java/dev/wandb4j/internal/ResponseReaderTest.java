package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseReaderTest {
  private final ResponseReader reader = new ResponseReader();

  private <T> T read(String json, Class<T> type) {
    return reader.read(
        Operation.RUN_FILES,
        Unpooled.wrappedBuffer(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)),
        type);
  }

  private static String page(String node) {
    return "{'data':{'project':{'run':{'projectId':7,'files':{'edges':[{'node':"
        + node
        + ",'cursor':'c1'}],'pageInfo':{'endCursor':'c1','hasNextPage':true}}}}}}";
  }

  @Test
  void readsEveryFieldOfAPageAndSkipsWhatItDoesNotKnowAtAnyDepth() {
    String json =
        "{'extensions':{'cost':[1,{'a':[[]]}]},'data':{'viewer':null,'project':{'id':'p',"
            + "'run':{'name':'r','projectId':7,'fileCount':3,'files':{'totalCount':3,'edges':[null,"
            + "{'node':{'id':'i1','name':'a b.txt','url':'https://x/a?sig=1','directUrl':'https://d/a',"
            + "'sizeBytes':12,'md5':'bWQ1','mimetype':'text/plain','updatedAt':'2024-01-02T03:04:05',"
            + "'extra':{'deep':[{'x':1}]},'storagePath':null},'cursor':'c1','more':true}],"
            + "'pageInfo':{'startCursor':'s','endCursor':'c1','hasNextPage':false}}}}}}";

    Dtos.ProjectData data = read(json, Dtos.ProjectData.class);

    Dtos.RunDto run = data.project().run();
    assertThat(run.projectId()).isEqualTo(7L);
    assertThat(run.fileCount()).isEqualTo(3L);
    assertThat(run.files().edges()).hasSize(2).first().isNull();
    assertThat(run.files().edges().get(1).cursor()).isEqualTo("c1");
    assertThat(run.files().edges().get(1).node())
        .isEqualTo(
            new Dtos.FileNodeDto(
                "i1",
                "a b.txt",
                "https://x/a?sig=1",
                "https://d/a",
                12L,
                "bWQ1",
                "text/plain",
                "2024-01-02T03:04:05"));
    assertThat(run.files().pageInfo()).isEqualTo(new Dtos.PageInfoDto("c1", false));
  }

  @Test
  void nullsAreReadAsAbsent() {
    Dtos.ProjectData data =
        read(
            page(
                "{'id':null,'name':'a','url':null,'directUrl':null,'sizeBytes':null,'md5':null,"
                    + "'mimetype':null,'updatedAt':null}"),
            Dtos.ProjectData.class);
    assertThat(data.project().run().files().edges().get(0).node())
        .isEqualTo(new Dtos.FileNodeDto(null, "a", null, null, null, null, null, null));
    assertThat(read("{'data':{'project':null}}", Dtos.ProjectData.class).project()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'name':'a','sizeBytes':'12'}      | 'sizeBytes' should be a whole number, not a string",
        "{'name':'a','sizeBytes':12.5}      | 'sizeBytes' should be a whole number, not a fractional",
        "{'name':'a','sizeBytes':true}      | 'sizeBytes' should be a whole number, not a boolean",
        "{'name':7}                         | 'name' should be a string, not a whole number",
        "{'name':['a']}                     | 'name' should be a string, not an array",
        "{'name':'a','sizeBytes':1e400}     | 'sizeBytes' should be a whole number",
        "{'name':'a','sizeBytes':99999999999999999999} | out of range",
        "'a node'                           | 'node' should be an object, not a string",
      })
  void aKnownFieldOfTheWrongTypeIsAnErrorThatNamesIt(String node, String message) {
    assertThatThrownBy(() -> read(page(node), Dtos.ProjectData.class))
        .isInstanceOf(WandbException.class)
        .hasMessageContaining("RunFiles")
        .hasMessageContaining("not the JSON this client expects")
        .hasMessageContaining(message);
  }

  @Test
  void errorsBecomeAGraphQlExceptionWithMessagesAndPaths() {
    assertThatThrownBy(
            () ->
                read(
                    "{'data':null,'errors':[{'message':'run not found','path':['project','run',0],"
                        + "'locations':[{'line':1}]},{'message':null},'odd']}",
                    Dtos.ProjectData.class))
        .isInstanceOfSatisfying(
            WandbGraphQlException.class,
            e -> {
              assertThat(e.operationName()).isEqualTo("RunFiles");
              assertThat(e.errors()).hasSize(3);
              assertThat(e.errors().get(0).message()).isEqualTo("run not found");
              assertThat(e.errors().get(0).path()).containsExactly("project", "run", "0");
              assertThat(e.errors().get(1).message()).isEmpty();
              assertThat(e.errors().get(2).path()).isEmpty();
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "null                      | the response is empty",
        "{}                        | it has neither data nor errors",
        "{'data':null,'errors':[]} | it has neither data nor errors",
        "[]                        | 'the response' should be an object, not an array",
        "{'data':'x'}              | 'data' should be an object, not a string",
        "{'data':{'project':{'ru   | not the JSON this client expects",
        "{'data':{'project':{}}]   | not the JSON this client expects",
      })
  void anAnswerThatIsNotOneIsATypedError(String json, String message) {
    assertThatThrownBy(() -> read(json, Dtos.ProjectData.class))
        .isInstanceOf(WandbException.class)
        .hasMessageContaining(message);
  }

  @Test
  void anEmptyBodyIsATypedError() {
    assertThatThrownBy(() -> read("", Dtos.ProjectData.class))
        .isInstanceOf(WandbException.class)
        .hasMessageContaining("the response is empty");
  }

  @Test
  void textAfterTheAnswerIsIgnored() {
    assertThat(read("{'data':{'project':null}} trailing", Dtos.ProjectData.class).project())
        .isNull();
  }

  @Test
  void nestingDeeperThanTheBoundIsRefusedEvenWhereItIsSkipped() {
    String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);
    assertThatThrownBy(() -> read("{'extensions':" + deep + ",'data':{}}", Dtos.ProjectData.class))
        .isInstanceOf(WandbException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void readsTheDeleteAnswer() {
    assertThat(read("{'data':{'deleteFiles':{'success':true,'x':1}}}", Dtos.DeleteData.class))
        .isEqualTo(new Dtos.DeleteData(new Dtos.DeletePayloadDto(true)));
    assertThat(read("{'data':{'deleteFiles':null}}", Dtos.DeleteData.class))
        .isEqualTo(new Dtos.DeleteData(null));
    assertThatThrownBy(() -> read("{'data':{'deleteFiles':{'success':1}}}", Dtos.DeleteData.class))
        .hasMessageContaining("'success' should be true or false");
  }
}
