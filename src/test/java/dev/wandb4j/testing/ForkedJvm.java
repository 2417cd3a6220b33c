package dev.wandb4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a class of the test class path in a JVM of its own, e.g. with small memory limits. */
public final class ForkedJvm {
  /**
   * How a forked JVM ended: its exit code (-1 if it had to be killed) and everything it printed.
   */
  public record Result(int exitCode, String output) {}

  private ForkedJvm() {}

  /**
   * Runs {@code main} with JVM options and arguments, waiting at most {@code max}.
   *
   * @param main a class with a {@code main} method
   * @param jvmOptions options such as {@code -Xmx64m}
   * @param max how long to wait before killing it
   * @param args the program's arguments
   */
  public static Result run(Class<?> main, List<String> jvmOptions, Duration max, String... args)
      throws IOException, InterruptedException {
    return run(List.of(), main, jvmOptions, max, args);
  }

  /**
   * Runs {@code main} as {@link #run(Class, List, Duration, String...)} does, through a command
   * that runs the JVM, such as {@code setpriv} with its options.
   *
   * @param prefix the command and its arguments before the JVM's path; empty for none
   */
  public static Result run(
      List<String> prefix, Class<?> main, List<String> jvmOptions, Duration max, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(done ? p.exitValue() : -1, output);
  }
}
