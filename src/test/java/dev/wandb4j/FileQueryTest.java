package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileQueryTest {
  @Test
  void defaultsMatchTheSdk() {
    assertThat(FileQuery.DEFAULT.perPage()).isEqualTo(50);
    assertThat(FileQuery.DEFAULT.names()).isEmpty();
    assertThat(FileQuery.DEFAULT.pattern()).isNull();
    assertThat(FileQuery.DEFAULT.upload()).isFalse();
  }

  @Test
  void pageSizeMustBeBetweenOneAndAThousand() {
    assertThat(FileQuery.builder().perPage(1).build().perPage()).isEqualTo(1);
    assertThat(FileQuery.builder().perPage(1000).build().perPage()).isEqualTo(1000);
    assertThatThrownBy(() -> FileQuery.builder().perPage(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileQuery.builder().perPage(1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1000");
  }

  @Test
  void namesAndPatternTogetherAreRefusedAtBuild() {
    FileQuery.Builder b = FileQuery.builder().names(List.of("a")).pattern("%.json");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void isImmutableAndAValue() {
    List<String> names = new java.util.ArrayList<>(List.of("a"));
    FileQuery q = FileQuery.builder().names(names).build();
    names.add("b");
    assertThat(q.names()).containsExactly("a");
    assertThat(q).isEqualTo(q.toBuilder().build()).hasSameHashCodeAs(q.toBuilder().build());
    assertThat(q.toBuilder().perPage(7).build()).isNotEqualTo(q);
  }

  @Test
  void anEmptyListOfNamesIsASelectionOfNoFileNotTheWholeRun() {
    FileQuery none = FileQuery.builder().names(List.of()).build();
    assertThat(none.selectsByName()).isTrue();
    assertThat(none.names()).isEmpty();
    assertThat(FileQuery.DEFAULT.selectsByName()).isFalse();
    assertThat(none).isNotEqualTo(FileQuery.DEFAULT).isEqualTo(none.toBuilder().build());
    assertThat(none.toString()).contains("names=[]");
    assertThat(FileQuery.DEFAULT.toString()).contains("names=(any)");
  }

  @Test
  void anEmptyListOfNamesWithAPatternIsRefusedLikeAnyOtherNames() {
    FileQuery.Builder b = FileQuery.builder().names(List.of()).pattern("%.json");
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyNameOrAnEmptyPatternIsRefused() {
    assertThatThrownBy(() -> FileQuery.builder().names(List.of("a.txt", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty")
        .hasMessageContaining("name 2 of 2");
    assertThatThrownBy(() -> FileQuery.builder().pattern(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
    assertThat(FileQuery.builder().pattern(null).build()).isEqualTo(FileQuery.DEFAULT);
  }
}
