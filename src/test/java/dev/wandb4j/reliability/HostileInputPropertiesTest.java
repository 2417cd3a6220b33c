package dev.wandb4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.RunPath;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.internal.SafePaths;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties over generated input: no name escapes the root, no path parses into nonsense. */
class HostileInputPropertiesTest {
  private static final Path ROOT = Path.of("/tmp/wandb4j-root").toAbsolutePath();

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "..", ".", "", "~", "C:", "c:", "\\..", "..\\", "%2e%2e", "\u0000", "\n", "a",
                "b.txt", "media"),
            Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(6),
            Arbitraries.strings().all().ofMaxLength(4));
    return segment
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(parts -> String.join(Arbitraries.of("/", "\\", "//").sample(), parts));
  }

  @Property(tries = 3000)
  void noAcceptedNameResolvesOutsideTheRoot(@ForAll("names") String name) {
    Path target;
    try {
      target = SafePaths.resolve(ROOT, name);
    } catch (WandbTransferException refused) {
      assertThat(refused).hasMessageContaining("Refused");
      return;
    }
    assertThat(target.normalize().startsWith(ROOT)).as(target.toString()).isTrue();
    assertThat(target).isNotEqualTo(ROOT);
    assertThat(name).doesNotContain("\u0000").doesNotContain("\\").doesNotStartWith("/");
    for (String segment : name.split("/", -1)) {
      assertThat(segment).isNotEmpty().isNotEqualTo("..").isNotEqualTo(".");
    }
  }

  @Property(tries = 3000)
  void anyStringEitherParsesIntoCleanSegmentsOrIsRefusedWithTheAcceptedForms(
      @ForAll("paths") String path) {
    RunPath parsed;
    try {
      parsed = RunPath.parse(path);
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageContaining("expected entity/project/runId");
      return;
    }
    for (String segment : new String[] {parsed.entity(), parsed.project(), parsed.runId()}) {
      assertThat(segment).isNotEmpty().doesNotContain("/").doesNotContain("\\").isNotEqualTo("..");
      assertThat(segment.chars().noneMatch(c -> c <= 0x20 || c == 0x7f)).isTrue();
    }
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars("ab/.: %?#\\runs").ofMaxLength(30),
        Arbitraries.of("https://wandb.ai/", "http://x/", "")
            .flatMap(
                prefix ->
                    Arbitraries.strings()
                        .withChars("ab/.runs%")
                        .ofMaxLength(25)
                        .map(s -> prefix + s)));
  }
}
