package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/wandb4j}: finds the jar and the JVM, records a class-data-sharing archive on the first
 * run that does work and maps it afterwards, passes arguments, output and exit status through. Runs
 * the script against a stand-in jar whose main echoes its arguments.
 */
@EnabledOnOs(OS.LINUX)
class LauncherTest {
  static final Path SCRIPT = Path.of("bin/wandb4j").toAbsolutePath();

  @TempDir Path dir;
  private Path jar;
  private Path cache;

  /** The stand-in's main: prints its arguments, exits with the status its first one names. */
  public static final class Echo {
    public static void main(String[] args) {
      System.out.println(String.join(" ", args));
      System.exit(
          args.length > 1 && args[1].startsWith("exit=")
              ? Integer.parseInt(args[1].substring(5))
              : 0);
    }

    private Echo() {}
  }

  @BeforeEach
  void buildStandInJar() throws IOException {
    jar = dir.resolve("wandb4j.jar");
    cache = dir.resolve("cds");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Echo.class.getName());
    String entry = Echo.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest);
        InputStream in = Echo.class.getClassLoader().getResourceAsStream(entry)) {
      jarOut.putNextEntry(new JarEntry(entry));
      in.transferTo(jarOut);
      jarOut.closeEntry();
    }
  }

  record Result(int status, String out, String err) {}

  private Result launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("WANDB4J_CDS_DIR", cache.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve("out.txt").toFile());
    pb.redirectError(dir.resolve("err.txt").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private List<Path> archives() throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cache)) {
      return files.toList();
    }
  }

  private Result flags(String javaOpts) throws Exception {
    return flags(Map.of("JAVA_OPTS", javaOpts));
  }

  /** Runs the stand-in with the user's options in {@code env}, the JVM printing its flags. */
  private Result flags(Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("WANDB4J_JAR", jar.toString());
    all.merge("JAVA_OPTS", "-XX:+PrintFlagsFinal", (a, b) -> a + " " + b);
    Result r = launch(all, "download");
    assertThat(r.status()).as("the JVM took the flags: %s", r.err()).isZero();
    return r;
  }

  @Test
  void aCommandRunsWithTheSettingsOfACommandLineProcess() throws Exception {
    String out = flags("").out();

    assertThat(out)
        .as("C2 only for methods that stay hot")
        .containsPattern("Tier4InvocationThreshold\\s+=\\s+100000\\s")
        .containsPattern("Tier4BackEdgeThreshold\\s+=\\s+400000\\s");
    assertThat(out)
        .as("the serial collector, on a heap that starts small")
        .containsPattern("UseSerialGC\\s+=\\s+true\\s")
        .containsPattern("InitialHeapSize\\s+=\\s+16777216\\s");
  }

  @Test
  void javaOptsMaySetEachOfThoseSettingsOtherwise() throws Exception {
    String out = flags("-XX:Tier4InvocationThreshold=5000 -XX:+UseG1GC -Xmx64m -Xms32m").out();

    assertThat(out).containsPattern("Tier4InvocationThreshold\\s+=\\s+5000\\s");
    assertThat(out)
        .as("a collector of the user's choosing is not joined by a second one")
        .containsPattern("UseG1GC\\s+=\\s+true\\s")
        .containsPattern("UseSerialGC\\s+=\\s+false\\s");
    assertThat(out).containsPattern("InitialHeapSize\\s+=\\s+33554432\\s");

    assertThat(flags("-Xmx8m").out())
        .as("a heap capped below the launcher's starting size still starts")
        .containsPattern("MaxHeapSize\\s+=\\s+8388608\\s");
  }

  @Test
  void aCollectorOrHeapChosenAnywhereTheJvmReadsOptionsIsTheOneUsed() throws Exception {
    assertThat(flags(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC")).out())
        .as("JAVA_TOOL_OPTIONS, read by the JVM itself")
        .containsPattern("UseG1GC\\s+=\\s+true\\s");
    assertThat(flags(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseParallelGC -Xmx8m")).out())
        .as("JDK_JAVA_OPTIONS, read by the java launcher")
        .containsPattern("UseParallelGC\\s+=\\s+true\\s")
        .containsPattern("MaxHeapSize\\s+=\\s+8388608\\s");
    assertThat(flags("-Xmx8m\t-XX:+UseParallelGC\n").out())
        .as("words apart by tabs and newlines")
        .containsPattern("UseParallelGC\\s+=\\s+true\\s");
    assertThat(flags("-XX:+UseNUMA -XX:+DisableExplicitGC").out())
        .as("flags that only look like a collector's")
        .containsPattern("UseSerialGC\\s+=\\s+true\\s");
  }

  @Test
  void theFirstWorkingRunRecordsAnArchiveThatLaterRunsMap() throws Exception {
    Map<String, String> env = Map.of("WANDB4J_JAR", jar.toString());

    Result help = launch(env, "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).isEqualTo("--help\n");
    assertThat(archives()).as("--help records nothing").isEmpty();

    assertThat(launch(env, "-q", "download", "--help").status()).isZero();
    assertThat(launch(env).status()).isZero();
    assertThat(archives()).as("help and no arguments record nothing").isEmpty();

    Result first = launch(env, "-q", "exit=0", "download", "a b");
    assertThat(first.status()).isZero();
    assertThat(first.out()).isEqualTo("-q exit=0 download a b\n");
    assertThat(first.err()).isEmpty();
    assertThat(archives())
        .singleElement()
        .satisfies(a -> assertThat(a.getFileName().toString()).endsWith(".jsa"));

    Path classLog = dir.resolve("classes.log");
    Result second =
        launch(
            Map.of(
                "WANDB4J_JAR",
                jar.toString(),
                "JAVA_OPTS",
                "-Xlog:class+load=info:file=" + classLog),
            "download",
            "exit=3");
    assertThat(second.status()).as("exit status passes through").isEqualTo(3);
    assertThat(second.out()).isEqualTo("download exit=3\n");
    assertThat(second.err()).isEmpty();
    assertThat(archives()).hasSize(1);
    assertThat(Files.readAllLines(classLog))
        .as("the second run maps the recorded archive")
        .anySatisfy(
            line ->
                assertThat(line).contains(Echo.class.getName()).contains("shared objects file"));
  }

  @Test
  void aChangedJarGetsItsOwnArchive() throws Exception {
    Map<String, String> env = Map.of("WANDB4J_JAR", jar.toString());
    assertThat(launch(env, "ls").status()).isZero();
    Files.setLastModifiedTime(
        jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    Result after = launch(env, "ls", "exit=0");
    assertThat(after.out()).isEqualTo("ls exit=0\n");
    assertThat(after.err()).isEmpty();
    assertThat(archives()).hasSize(2);
  }

  @Test
  void withoutCdsNothingIsRecorded() throws Exception {
    Result r = launch(Map.of("WANDB4J_JAR", jar.toString(), "WANDB4J_CDS", "0"), "ls");
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo("ls\n");
    assertThat(archives()).isEmpty();
  }

  @Test
  void aMissingJarIsAUsageErrorThatSaysWhatToDo() throws Exception {
    Result r = launch(Map.of("WANDB4J_JAR", dir.resolve("nowhere.jar").toString()), "list");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("cannot find wandb4j.jar").contains("WANDB4J_JAR");
  }

  @Test
  void aMissingJavaIsAUsageErrorThatSaysWhatToDo() throws Exception {
    Result r =
        launch(
            Map.of("WANDB4J_JAR", jar.toString(), "JAVA_HOME", dir.resolve("no-jdk").toString()),
            "list");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("cannot find java").contains("JAVA_HOME");
  }

  @Test
  void anUnwritableCacheFolderDoesNotChangeTheOutcome() throws Exception {
    Path unwritable = dir.resolve("unwritable");
    Files.createDirectories(unwritable);
    Files.setPosixFilePermissions(
        unwritable, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    // Root writes anywhere a permission would stop others; /proc takes no new files from anyone.
    Path cacheDir = Files.isWritable(unwritable) ? Path.of("/proc") : unwritable;
    try {
      Result r =
          launch(
              Map.of("WANDB4J_JAR", jar.toString(), "WANDB4J_CDS_DIR", cacheDir.toString()),
              "download",
              "exit=0");
      assertThat(r.status()).isZero();
      assertThat(r.out()).isEqualTo("download exit=0\n");
      assertThat(r.err()).isEmpty();
    } finally {
      Files.setPosixFilePermissions(
          unwritable, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aSymbolicLinkToTheScriptOnThePathFindsTheJarBesideTheScript() throws Exception {
    Path installed = dir.resolve("opt/wandb4j");
    Files.createDirectories(installed.resolve("bin"));
    Files.createDirectories(installed.resolve("lib"));
    Path script = Files.copy(SCRIPT, installed.resolve("bin/wandb4j"));
    script.toFile().setExecutable(true);
    Files.copy(jar, installed.resolve("lib/wandb4j.jar"));
    Path onPath = dir.resolve("home/bin");
    Files.createDirectories(onPath);
    Files.createSymbolicLink(onPath.resolve("wandb4j"), script);
    Path linkToLink = dir.resolve("home/wandb");
    Files.createSymbolicLink(linkToLink, onPath.resolve("wandb4j"));

    ProcessBuilder pb =
        new ProcessBuilder("sh", "-c", "wandb4j ls exit=0 && \"$0\" rm", linkToLink.toString());
    pb.environment().put("PATH", onPath + java.io.File.pathSeparator + System.getenv("PATH"));
    pb.environment().put("WANDB4J_CDS", "0");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("WANDB4J_JAR");
    pb.redirectOutput(dir.resolve("out.txt").toFile());
    pb.redirectError(dir.resolve("err.txt").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(Files.readString(dir.resolve("err.txt"))).isEmpty();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("ls exit=0\nrm\n");
  }
}
