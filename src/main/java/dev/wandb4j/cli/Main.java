package dev.wandb4j.cli;

import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbAuthenticationException;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/** The {@code wandb4j} command line: list, download, upload and delete a run's files. */
@Command(
    name = "wandb4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "List, download, upload and delete the files of Weights & Biases runs.",
    subcommands = {
      ListCommand.class,
      DownloadCommand.class,
      UploadCommand.class,
      RemoveCommand.class,
      EmulatorCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  wandb4j demo                                   try it all on a local emulator",
      "  wandb4j ls acme/vision/1x2y3z --pattern '%%.json'",
      "  wandb4j download acme/vision/1x2y3z --root ./run --concurrency 16",
      "  wandb4j upload acme/vision/1x2y3z eval --name-prefix results/ --sync",
      "  wandb4j rm acme/vision/1x2y3z --pattern 'media/tmp/%%' --yes",
      "",
      "Credentials: WANDB_API_KEY, else the ~/.netrc entry for the API host (as",
      "`wandb login` writes it). WANDB_BASE_URL selects a self-hosted server; so does",
      "a run's URL when neither it nor --base-url is given. HTTPS_PROXY, HTTP_PROXY",
      "and NO_PROXY (or the JVM's proxy properties) select a proxy.",
      "",
      "Exit codes: 0 success, 1 other error, 2 usage, 3 authentication, 4 not found",
      "(a run, or a --name the run does not have), 5 some files failed to transfer,",
      "130 interrupted."
    })
public final class Main {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;
  static final int AUTH = 3;
  static final int NOT_FOUND = 4;
  static final int TRANSFER = 5;
  static final int INTERRUPTED = 130;

  /**
   * {@code --base-url} given before the command; ls, download, upload and rm take it after it too.
   */
  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description =
          "W&B API URL for ls, download, upload and rm (default: WANDB_BASE_URL, else the run URL's"
              + " host, else https://api.wandb.ai).")
  String baseUrl;

  /** {@code --api-key} given before the command. */
  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "API key for ls, download, upload and rm. Prefer WANDB_API_KEY or ~/.netrc: a key on the"
              + " command line is visible to other users in the process list and lands in shell"
              + " history.")
  String apiKey;

  /** {@code --allow-http} given before the command. */
  @Option(
      names = "--allow-http",
      description =
          "Allow a plain http:// base URL on another host than this machine for ls, download and"
              + " rm: the API key would cross the network in clear text.")
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
  final Console console;

  Main(PrintWriter out, PrintWriter err, BufferedReader in, Console console) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.console = console;
    this.terminal = console.terminal();
  }

  /**
   * What the command line runs in: whether it talks to a person at a terminal, how wide that
   * terminal is (asked only when a progress bar is drawn), and the environment variables.
   */
  record Console(boolean terminal, IntSupplier columns, Map<String, String> env) {}

  /**
   * The event loops of this run's clients. Created by the command line and shut down before it
   * exits: a JVM whose threads still wait in native code (an event loop's {@code epoll_wait}) when
   * it exits waits about 0.3 s for them to return.
   */
  private LoopResources loops;

  /**
   * A client for a run given on the command line. The API is the one {@code --base-url} names, else
   * {@code WANDB_BASE_URL}; a run given by its web URL must be on that server, and names it when
   * neither is given.
   */
  WandbClient client(Connection connection, String run) {
    return client(connection, run, WandbClient.DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * As {@link #client(Connection, String)}, with a pool large enough for {@code concurrency}
   * transfers at once and the few listings a project's export runs beside them, so that no request
   * waits for a connection.
   */
  WandbClient client(Connection connection, String run, int concurrency) {
    String url = connection.baseUrl != null ? connection.baseUrl : baseUrl;
    String source = "--base-url";
    if (url == null) {
      url = blankToNull(console.env().get("WANDB_BASE_URL"));
      source = "WANDB_BASE_URL";
    }
    URI runUrl = webUrl(run);
    if (runUrl != null) {
      if (url == null) {
        url = apiFor(runUrl);
      } else if (!sameServer(URI.create(url.strip()), runUrl)) {
        throw new IllegalArgumentException(
            "the run's URL is on "
                + hostAndPort(runUrl)
                + " but the API is "
                + url
                + " (from "
                + source
                + "); give the run as entity/project/runId, or its URL with a matching "
                + source);
      }
    }
    if (loops == null) {
      loops = LoopResources.create("wandb4j-cli");
    }
    WandbClient.Builder b =
        WandbClient.builder()
            .loopResources(loops)
            .allowPlainHttp(allowHttp || connection.allowHttp)
            .maxConnections(Math.max(WandbClient.DEFAULT_MAX_CONNECTIONS, concurrency + 4));
    if (url != null) {
      b.baseUrl(url);
    }
    String key = connection.apiKey != null ? connection.apiKey : apiKey;
    if (key != null) {
      b.apiKey(key);
    }
    WandbClient client = b.build();
    clients.add(client);
    return client;
  }

  /** The clients this run created: closed, and waited for, before the event loops stop. */
  private final List<WandbClient> clients = new ArrayList<>();

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** The run argument as a web URL, or {@code null} when it is a path. */
  private static URI webUrl(String run) {
    String r = run == null ? "" : run.strip().toLowerCase(Locale.ROOT);
    if (!r.startsWith("http://") && !r.startsWith("https://")) {
      return null;
    }
    try {
      URI uri = URI.create(run.strip());
      return uri.getHost() == null ? null : uri;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The API that serves a run's web page: api.wandb.ai for wandb.ai, else the same origin. */
  static String apiFor(URI runUrl) {
    String host = runUrl.getHost().toLowerCase(Locale.ROOT);
    if (host.equals("wandb.ai") || host.equals("www.wandb.ai")) {
      return "https://api.wandb.ai";
    }
    return runUrl.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + runUrl.getHost()
        + (runUrl.getPort() < 0 ? "" : ":" + runUrl.getPort());
  }

  /** Whether a run's web page and an API are one W&amp;B server. */
  static boolean sameServer(URI api, URI runUrl) {
    if (api.getHost() == null) {
      return false;
    }
    String apiHost = api.getHost().toLowerCase(Locale.ROOT);
    String runHost = runUrl.getHost().toLowerCase(Locale.ROOT);
    if (apiHost.equals("api." + runHost)
        || apiHost.equals("api.wandb.ai") && runHost.equals("www.wandb.ai")) {
      return true;
    }
    return apiHost.equals(runHost) && port(api) == port(runUrl);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String hostAndPort(URI uri) {
    return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /**
   * Refuses {@code --base-url}, {@code --api-key} and {@code --allow-http} given before a command
   * that does not use them.
   */
  void refuseConnectionOptions(String command) {
    if (baseUrl != null) {
      throw new IllegalArgumentException(
          "--base-url applies to ls, download, upload and rm, not to " + command);
    }
    if (apiKey != null && !command.equals("emulator")) {
      throw new IllegalArgumentException(
          "--api-key applies to ls, download, upload and rm, not to " + command);
    }
    if (allowHttp) {
      throw new IllegalArgumentException(
          "--allow-http applies to ls, download, upload and rm, not to " + command);
    }
  }

  /** Runs the command line and returns its exit code. */
  static int run(
      String[] args, PrintWriter out, PrintWriter err, BufferedReader in, Console console) {
    Main main = new Main(out, err, in, console);
    CommandLine cli = new CommandLine(main);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          int code = exitCode(e);
          err.println("error: " + Names.escape(oneLine(e)));
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

  /**
   * Waits until every client has released its pool, whose channels close on the event loops, then
   * stops the loops at once.
   */
  private void shutDownLoops() {
    if (!clients.isEmpty()) {
      Mono.when(clients.stream().map(WandbClient::closeAsync).toList())
          .onErrorComplete()
          .block(LOOP_SHUTDOWN.plusSeconds(1));
    }
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
    if (e instanceof FileAlreadyExistsException) {
      return ((FileAlreadyExistsException) e).getFile()
          + " already exists; --replace overwrites it";
    }
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
    Console console = new Console(System.console() != null, Main::columns, System.getenv());
    System.exit(run(args, out, err, in, console));
  }

  /**
   * The terminal's width: {@code COLUMNS} when the shell exports it, else what {@code stty} says of
   * the controlling terminal, else 80.
   */
  static int columns() {
    try {
      int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").strip());
      if (c > 0) {
        return c;
      }
    } catch (NumberFormatException notSet) {
      // ask the terminal
    }
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(new java.io.File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(1, TimeUnit.SECONDS) && p.exitValue() == 0) {
        String[] size =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .strip()
                .split("\\s+");
        int c = Integer.parseInt(size[size.length - 1]);
        if (c > 0) {
          return c;
        }
      } else {
        p.destroy();
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // no terminal to ask
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 80;
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
