package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without graphql-java, an optional dependency, the emulator says which dependency to add. */
class WithoutGraphQlJavaTest {
  @Test
  void startingWithoutGraphQlJavaNamesTheDependencyAndItsVersion() throws Exception {
    List<URL> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("graphql-java") && !entry.contains("java-dataloader")) {
        classPath.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.getResource("graphql/GraphQL.class")).isNull();
      Class<?> emulator = loader.loadClass(WandbEmulator.class.getName());

      Throwable thrown = null;
      try {
        emulator.getMethod("start").invoke(null);
      } catch (InvocationTargetException e) {
        thrown = e.getCause();
      }

      assertThat(thrown)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("com.graphql-java:graphql-java:" + graphQlJavaVersion());
    }
  }

  /** The version of the graphql-java jar the tests run with, from its file name. */
  private static String graphQlJavaVersion() {
    String jar =
        new File(
                graphql.GraphQL.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .getName();
    assertThat(jar).startsWith("graphql-java-").endsWith(".jar");
    return jar.substring("graphql-java-".length(), jar.length() - ".jar".length());
  }
}
