package dev.wandb4j.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md shows only code that compiles: each of its Java blocks is, character for character, a
 * snippet of the compiled sources in this package. And the test command it gives is the one CI
 * runs.
 */
class ReadmeTest {
  private static final Path README = Path.of("README.md");
  private static final Path SNIPPETS = Path.of("src/test/java/dev/wandb4j/readme");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");
  private static final Pattern SNIPPET =
      Pattern.compile("(?s)\\n[ \\t]*// --- ([\\w-]+)\\n(.*?)\\n[ \\t]*// --- end\\n");

  @Test
  void everyJavaBlockOfTheReadmeIsACompiledSnippetAndEverySnippetIsShown() throws IOException {
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(Files.readString(README));
    while (m.find()) {
      blocks.add(m.group(1));
    }
    Map<String, String> snippets = snippets();

    assertThat(blocks).isNotEmpty();
    assertThat(snippets).hasSizeGreaterThanOrEqualTo(10);
    for (String block : blocks) {
      assertThat(snippets.values())
          .as("README block compiled in %s:%n%s", SNIPPETS, block)
          .contains(block);
    }
    assertThat(blocks).as("every snippet shown once").hasSize(snippets.size());
    assertThat(blocks).doesNotHaveDuplicates();
  }

  @Test
  void theReadmesTestCommandIsTheOneCiRuns() throws IOException {
    List<String> readmeCommands =
        Files.readString(README)
            .lines()
            .filter(l -> l.startsWith("mvn -B verify") || l.contains(" mvn -B verify"))
            .map(l -> l.replaceFirst("\\s+#.*$", ""))
            .toList();
    List<String> ciCommands =
        Files.readAllLines(Path.of(".ci/run")).stream()
            .filter(l -> l.contains("mvn -B verify"))
            .toList();

    assertThat(readmeCommands).hasSize(1);
    assertThat(ciCommands).containsExactlyElementsOf(readmeCommands);
  }

  /** The snippets of the sources, dedented, each ending with a line break as a block does. */
  static Map<String, String> snippets() throws IOException {
    Map<String, String> snippets = new LinkedHashMap<>();
    List<Path> sources;
    try (Stream<Path> files = Files.list(SNIPPETS)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    for (Path source : sources) {
      Matcher m = SNIPPET.matcher(Files.readString(source));
      while (m.find()) {
        assertThat(snippets).doesNotContainKey(m.group(1));
        snippets.put(m.group(1), m.group(2).stripIndent() + "\n");
      }
    }
    return snippets;
  }
}
