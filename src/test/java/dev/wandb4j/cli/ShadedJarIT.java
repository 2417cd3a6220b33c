package dev.wandb4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as shipped, {@code target/wandb4j.jar}, after {@code package}: what it holds,
 * what its manifest says, and that it runs, on the JVM that runs the build.
 */
class ShadedJarIT {
  static final Path JAR = Path.of("target/wandb4j.jar");
  private static List<String> entries;

  @BeforeAll
  static void readJar() throws Exception {
    assertThat(JAR).exists();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void theJarLeavesOutWhatTheCommandLineCannotUse() {
    assertThat(entries)
        .isNotEmpty()
        .noneMatch(e -> e.startsWith("io/netty/handler/codec/quic/"))
        .noneMatch(e -> e.startsWith("io/netty/handler/codec/http3/"))
        .noneMatch(e -> e.startsWith("io/netty/resolver/dns/macos/"))
        .noneMatch(e -> e.startsWith("META-INF/native/") && e.contains("macos"))
        .noneMatch(e -> e.contains("quic") && e.startsWith("META-INF/native/"));
    assertThat(entries)
        .as("what it does use stays")
        .contains("dev/wandb4j/cli/Main.class")
        .contains("graphql/GraphQL.class")
        .contains("picocli/CommandLine.class")
        .contains("META-INF/native/libnetty_transport_native_epoll_x86_64.so");
  }

  @Test
  void theJarCarriesBoringSslForTheFivePlatformsItSupports() {
    assertThat(entries.stream().filter(e -> e.startsWith("META-INF/native/")))
        .filteredOn(e -> e.contains("netty_tcnative_"))
        .containsExactlyInAnyOrder(
            "META-INF/native/libnetty_tcnative_linux_x86_64.so",
            "META-INF/native/libnetty_tcnative_linux_aarch_64.so",
            "META-INF/native/libnetty_tcnative_osx_x86_64.jnilib",
            "META-INF/native/libnetty_tcnative_osx_aarch_64.jnilib",
            "META-INF/native/netty_tcnative_windows_x86_64.dll");
  }

  @Test
  void theJarCarriesTheLicenceAndAllowsNativeAccess() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Manifest manifest = jar.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Main-Class"))
          .isEqualTo(Main.class.getName());
      assertThat(manifest.getMainAttributes().getValue("Enable-Native-Access"))
          .isEqualTo("ALL-UNNAMED");
      ZipEntry licence = jar.getEntry("META-INF/LICENSE");
      assertThat(licence).isNotNull();
      assertThat(new String(jar.getInputStream(licence).readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(Path.of("LICENSE")));
    }
  }

  @Test
  void theLibraryJarAndThePomDeclareTheApacheLicence() throws Exception {
    assertThat(Files.readString(Path.of("LICENSE")))
        .contains("Apache License")
        .contains("Version 2.0, January 2004");
    String pom = Files.readString(Path.of("pom.xml"));
    assertThat(pom.substring(pom.indexOf("<licenses>"), pom.indexOf("</licenses>")))
        .contains("<name>Apache-2.0</name>")
        .contains("https://www.apache.org/licenses/LICENSE-2.0.txt");
    List<Path> libraryJars;
    try (java.util.stream.Stream<Path> files = Files.list(Path.of("target"))) {
      libraryJars =
          files
              .filter(p -> p.getFileName().toString().matches("wandb4j-[0-9].*[0-9T]\\.jar"))
              .toList();
    }
    assertThat(libraryJars).hasSize(1);
    try (JarFile library = new JarFile(libraryJars.get(0).toFile())) {
      ZipEntry licence = library.getEntry("META-INF/LICENSE");
      assertThat(licence).isNotNull();
      assertThat(new String(library.getInputStream(licence).readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(Path.of("LICENSE")));
    }
  }

  @Test
  void theJarListsAndDownloadsWithoutWarnings(@TempDir Path dir) throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/proj/r1");
      run.addGeneratedFile("model.ckpt", 3 << 20);
      run.addFile("config.json", "{}".getBytes(StandardCharsets.UTF_8));

      Run ls = java(dir, emu, "ls", "acme/proj/r1");
      assertThat(ls.status()).as(ls.err()).isZero();
      assertThat(ls.out()).contains("model.ckpt").contains("2 files");
      assertThat(ls.err()).isEmpty();

      Path root = dir.resolve("out");
      Run download = java(dir, emu, "download", "acme/proj/r1", "--root", root.toString());
      assertThat(download.status()).as(download.err()).isZero();
      assertThat(download.out()).contains("Downloaded 2 files");
      assertThat(download.err()).isEmpty();
      assertThat(Files.size(root.resolve("model.ckpt"))).isEqualTo(3 << 20);
      assertThat(emu.requests()).filteredOn(q -> q.server().equals("storage")).hasSize(2);
    }
  }

  @Test
  void theJarRunsTheDemoWithItsOwnEmulator(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("demo");
    Run demo =
        java(
            dir, null, "demo", "--root", root.toString(), "--images", "6", "--checkpoint-mib", "1");
    assertThat(demo.status()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("Downloaded 34 files").contains("verified");
    assertThat(demo.err()).isEmpty();
    assertThat(Files.size(root.resolve("checkpoints/model_epoch_9.ckpt"))).isEqualTo(1 << 20);
  }

  record Run(int status, String out, String err) {}

  private static Run java(Path dir, WandbEmulator emu, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    if (emu != null) {
      command.addAll(List.of("--base-url", emu.baseUrl(), "--api-key", emu.apiKey()));
    }
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
