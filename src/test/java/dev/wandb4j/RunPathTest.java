package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunPathTest {
  @ParameterizedTest
  @CsvSource({
    "acme/vision/1x2y3z, acme, vision, 1x2y3z",
    "acme/vision/runs/1x2y3z, acme, vision, 1x2y3z",
    "/acme/vision/1x2y3z/, acme, vision, 1x2y3z",
    "https://wandb.ai/acme/vision/runs/1x2y3z, acme, vision, 1x2y3z",
    "https://wandb.ai/acme/vision/runs/1x2y3z/overview?nw=abc, acme, vision, 1x2y3z",
    "http://wandb.example.com/acme/vision/runs/1x2y3z, acme, vision, 1x2y3z",
    "acme/runs/1x2y3z, acme, runs, 1x2y3z",
    "acme/runs/runs/1x2y3z, acme, runs, 1x2y3z",
    "https://wandb.ai/acme/runs/runs/r1, acme, runs, r1",
  })
  void acceptsTheFormsPeopleCopy(String path, String entity, String project, String runId) {
    RunPath p = RunPath.parse(path, null, null);
    assertThat(p.entity()).isEqualTo(entity);
    assertThat(p.project()).isEqualTo(project);
    assertThat(p.runId()).isEqualTo(runId);
  }

  @Test
  void shortFormsTakeEntityAndProjectFromTheEnvironment() {
    assertThat(RunPath.parse("vision/1x2y3z", "acme", null))
        .isEqualTo(RunPath.of("acme", "vision", "1x2y3z"));
    assertThat(RunPath.parse("1x2y3z", "acme", "vision"))
        .isEqualTo(RunPath.of("acme", "vision", "1x2y3z"));
  }

  @Test
  void shortFormsWithoutTheEnvironmentSayWhichVariableIsMissing() {
    assertThatThrownBy(() -> RunPath.parse("vision/1x2y3z", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WANDB_ENTITY");
    assertThatThrownBy(() -> RunPath.parse("1x2y3z", "acme", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WANDB_PROJECT");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "a/b/c/d",
        "a/b/c/d/e",
        "a//c",
        "a/b/../c",
        "a/b/./c",
        "a/b c/d",
        "a/b/c?x",
        "a/b/c#x",
        "a/b%2F/c",
        "a\\b/c/d",
        "https://wandb.ai/acme/vision",
        "https://wandb.ai/acme/vision/sweeps/abc",
        "ftp://wandb.ai/acme/vision/runs/abc",
        "a/b/c\u0000",
      })
  void refusesAnythingElseListingTheAcceptedForms(String path) {
    assertThatThrownBy(() -> RunPath.parse(path, "e", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected entity/project/runId");
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> RunPath.parse(null, "e", "p"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isAValue() {
    RunPath a = RunPath.parse("acme/vision/r1", null, null);
    RunPath b = RunPath.of("acme", "vision", "r1");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(RunPath.of("acme", "vision", "r2"));
    assertThat(a.toString()).isEqualTo("acme/vision/r1");
  }
}
