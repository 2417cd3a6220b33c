package dev.wandb4j.cli;

import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import reactor.netty.resources.LoopResources;

/** The {@code wandb4j} command line: list, download and delete a run's files. */
@Command(
    name = "wandb4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "List, download and delete the files of Weights & Biases runs.",
    subcommands = {
      ListCommand.class,
      DownloadCommand.class,
      RemoveCommand.class,
      EmulatorCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  wandb4j demo                                   try it all on a local emulator",
      "  wandb4j ls acme/vision/1x2y3z --pattern '%.json'",
      "  wandb4j download acme/vision/1x2y3z --root ./run --concurrency 16 --sync",
      "  wandb4j rm acme/vision/1x2y3z --pattern 'media/tmp/%' --yes",
      "",
      "Credentials: WANDB_API_KEY, else the ~/.netrc entry for the API host (as `wandb login`",
      "writes it). WANDB_BASE_URL selects a self-hosted server. HTTPS_PROXY, HTTP_PROXY and",
      "NO_PROXY (or the JVM's proxy properties) select a proxy.",
      "",
      "Exit codes: 0 success, 1 other error, 2 usage, 3 authentication, 4 not found,",
      "5 some files failed to transfer, 130 interrupted."
    })
public final class Main {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;
  static final int AUTH = 3;
  static final int NOT_FOUND = 4;
  static final int TRANSFER = 5;
  static final int INTERRUPTED = 130;

  @Option(
      names = "--base-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "W&B API URL (default: WANDB_BASE_URL, else https://api.wandb.ai).")
  String baseUrl;

  @Option(
      names = "--api-key",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY",
      description =
          "API key. Prefer WANDB_API_KEY or ~/.netrc: a key on the command line is visible to"
              + " other users in the process list and lands in shell history.")
  String apiKey;

  @Option(
      names = "--allow-http",
      scope = ScopeType.INHERIT,
      description =
          "Allow a plain http:// base URL on another host than this machine: the API key would"
              + " cross the network in clear text.")
  boolean allowHttp;

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "Print only errors and the final summary.")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  final PrintWriter out;
  final PrintWriter err;
  final BufferedReader in;
  final boolean terminal;

  Main(PrintWriter out, PrintWriter err, BufferedReader in, boolean terminal) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.terminal = terminal;
  }

  /**
   * The event loops of this run's clients. Created by the command line and shut down before it
   * exits: a JVM whose threads still wait in native code (an event loop's {@code epoll_wait}) when
   * it exits waits about 0.3 s for them to return.
   */
  private LoopResources loops;

  WandbClient client() {
    return client(WandbClient.DEFAULT_MAX_CONNECTIONS);
  }

  /** A client with a pool large enough for {@code concurrency} transfers at once. */
  WandbClient client(int concurrency) {
    if (loops == null) {
      loops = LoopResources.create("wandb4j-cli");
    }
    WandbClient.Builder b =
        WandbClient.builder()
            .loopResources(loops)
            .allowPlainHttp(allowHttp)
            .maxConnections(Math.max(WandbClient.DEFAULT_MAX_CONNECTIONS, concurrency));
    if (baseUrl != null) {
      b.baseUrl(baseUrl);
    }
    if (apiKey != null) {
      b.apiKey(apiKey);
    }
    return b.build();
  }

  /** Runs the command line and returns its exit code. */
  static int run(
      String[] args, PrintWriter out, PrintWriter err, BufferedReader in, boolean terminal) {
    Main main = new Main(out, err, in, terminal);
    CommandLine cli = new CommandLine(main);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          int code = exitCode(e);
          err.println("error: " + oneLine(e));
          if (main.verbose) {
            e.printStackTrace(err);
          } else if (code == ERROR) {
            err.println("(run with --verbose for details)");
          }
          err.flush();
          return code;
        });
    int code;
    try {
      code = cli.execute(args);
    } finally {
      main.shutDownLoops();
    }
    out.flush();
    err.flush();
    return code;
  }

  /** Stops the event loops at once: every client has been closed by the time a command returns. */
  private void shutDownLoops() {
    if (loops != null) {
      loops.disposeLater(Duration.ZERO, LOOP_SHUTDOWN).block(LOOP_SHUTDOWN.plusSeconds(1));
    }
  }

  private static final Duration LOOP_SHUTDOWN = Duration.ofSeconds(2);

  static int exitCode(Throwable e) {
    if (e instanceof WandbAuthenticationException) {
      return AUTH;
    }
    if (e instanceof WandbNotFoundException) {
      return NOT_FOUND;
    }
    if (e instanceof WandbTransferException) {
      return TRANSFER;
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return USAGE;
    }
    return ERROR;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    } else if (!(e instanceof WandbException)
        && !(e instanceof IllegalArgumentException)
        && !(e instanceof IllegalStateException)) {
      m = e.getClass().getSimpleName() + ": " + m;
    }
    int nl = m.indexOf('\n');
    return nl >= 0 ? m.substring(0, nl) : m;
  }

  /**
   * Runs {@code wandb4j}.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    defaultSystemProperties();
    PrintWriter out =
        new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.exit(run(args, out, err, in, System.console() != null));
  }

  /**
   * Settings the command line makes unless they are given: Netty's JFR events for its buffer
   * allocator are off, because registering them costs a fresh JVM about 50 ms on the first
   * response, and a short-lived process never records them.
   */
  static void defaultSystemProperties() {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
  }

  static final String NETTY_JFR = "io.netty.jfr.enabled";

  /** The version from the jar's build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      if (v == null) {
        try (java.io.InputStream s = WandbClient.class.getResourceAsStream("version.properties")) {
          java.util.Properties p = new java.util.Properties();
          if (s != null) {
            p.load(s);
          }
          v = p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
          v = "unknown";
        }
      }
      return new String[] {"wandb4j " + v, "Java " + System.getProperty("java.version")};
    }
  }
}
