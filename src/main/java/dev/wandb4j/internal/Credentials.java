package dev.wandb4j.internal;

import dev.wandb4j.error.WandbAuthenticationException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Finds the API key: explicit, else {@code WANDB_API_KEY}, else the netrc entry for the API host.
 */
public final class Credentials {

  /** The netrc files already warned about, so that each is warned about once. */
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  private Credentials() {}

  /** Looked up when used, which is once or so per JVM: it follows the logging set up by then. */
  private static Logger log() {
    return Loggers.getLogger(Credentials.class);
  }

  /**
   * Resolves the API key.
   *
   * @param explicit the key given to the builder, or {@code null}
   * @param env reads an environment variable (or returns {@code null}); {@code HOME} is where netrc
   *     is looked for first, as {@code wandb login} writes it there
   * @param userHome the JVM's idea of the home directory ({@code user.home}), looked at next
   * @param baseUrl the API base URL, whose host (and port) names the netrc machine
   * @return the key
   * @throws WandbAuthenticationException if no key can be found, saying how to provide one
   */
  public static String resolveApiKey(
      String explicit, Function<String, String> env, Path userHome, URI baseUrl) {
    if (explicit != null) {
      if (explicit.isBlank()) {
        throw new IllegalArgumentException("The API key passed to apiKey(...) is blank");
      }
      return explicit.strip();
    }
    String fromEnv = env.apply("WANDB_API_KEY");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    String machine = machine(baseUrl);
    for (Path netrc : netrcCandidates(env, userHome)) {
      if (Files.isRegularFile(netrc)) {
        String key = passwordFor(netrc, machine);
        if (key != null) {
          warnIfReadableByOthers(netrc);
          return key;
        }
      }
    }
    throw new WandbAuthenticationException(missingKeyMessage(baseUrl));
  }

  /**
   * Says that no key was found for the API host, and where keys come from: the places W&amp;B's own
   * tools read, the command line's option and the Spring Boot property (not the builder's calls,
   * which a command-line user cannot make).
   *
   * @param baseUrl the API base URL
   * @return the message
   */
  public static String missingKeyMessage(URI baseUrl) {
    String machine = machine(baseUrl);
    return "No W&B API key found for "
        + machine
        + ": set WANDB_API_KEY, or log in with `wandb login`, which writes the key to ~/.netrc"
        + " ('machine "
        + machine
        + " login user password <key>'; NETRC names another file), or give it with --api-key"
        + " (the wandb.api-key property in Spring Boot). Keys are at https://wandb.ai/authorize.";
  }

  private static String machine(URI baseUrl) {
    return baseUrl.getHost() + (baseUrl.getPort() == -1 ? "" : ":" + baseUrl.getPort());
  }

  /** {@code $NETRC} alone if set; else under {@code $HOME}, then under {@code user.home}. */
  static List<Path> netrcCandidates(Function<String, String> env, Path userHome) {
    List<Path> candidates = new ArrayList<>();
    String named = env.apply("NETRC");
    if (named != null && !named.isBlank()) {
      candidates.add(Path.of(named));
      return candidates;
    }
    String home = env.apply("HOME");
    for (Path dir :
        home == null || home.isBlank() ? List.of(userHome) : List.of(Path.of(home), userHome)) {
      if (dir == null) {
        continue;
      }
      for (String name : List.of(".netrc", "_netrc")) {
        Path p = dir.resolve(name).toAbsolutePath().normalize();
        if (!candidates.contains(p)) {
          candidates.add(p);
        }
      }
    }
    return candidates;
  }

  /** Warns, once per file, when a netrc file that holds the key is readable by other users. */
  static void warnIfReadableByOthers(Path netrc) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(netrc);
    } catch (UnsupportedOperationException | IOException notPosix) {
      return;
    }
    if ((perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ))
        && WARNED.add(netrc.toAbsolutePath().normalize())) {
      log()
          .warn(
              "The netrc file {} holds your W&B API key and other users can read it; make it"
                  + " private with: chmod 600 {}",
              netrc,
              netrc);
    }
  }

  /** Forgets the warnings given; for tests. */
  static void forgetWarnings() {
    WARNED.clear();
  }

  static String passwordFor(Path netrc, String machine) {
    String text;
    try {
      text = Files.readString(netrc, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Could not read netrc file " + netrc + ": " + e, e);
    }
    return parsePassword(text, machine);
  }

  /**
   * Finds the password of a machine in netrc text; a {@code default} entry is not used, since the
   * key is specific to a W&amp;B host.
   */
  static String parsePassword(String text, String machine) {
    List<String> tokens = tokenize(text);
    boolean inMachine = false;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      switch (t) {
        case "machine":
          inMachine = i + 1 < tokens.size() && tokens.get(i + 1).equalsIgnoreCase(machine);
          i++;
          break;
        case "default":
          inMachine = false;
          break;
        case "password":
          if (inMachine && i + 1 < tokens.size()) {
            return tokens.get(i + 1);
          }
          i++;
          break;
        case "login":
        case "account":
          i++;
          break;
        default:
          break;
      }
    }
    return null;
  }

  private static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    boolean inMacro = false;
    for (String line : lines) {
      if (inMacro) {
        if (line.isBlank()) {
          inMacro = false;
        }
        continue;
      }
      int i = 0;
      while (i < line.length()) {
        char c = line.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '#') {
          break;
        } else if (c == '"') {
          StringBuilder sb = new StringBuilder();
          i++;
          while (i < line.length() && line.charAt(i) != '"') {
            if (line.charAt(i) == '\\' && i + 1 < line.length()) {
              i++;
            }
            sb.append(line.charAt(i++));
          }
          i++;
          tokens.add(sb.toString());
        } else {
          int start = i;
          while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
            i++;
          }
          String token = line.substring(start, i);
          tokens.add(token);
          if (token.equals("macdef")) {
            inMacro = true;
            break;
          }
        }
      }
    }
    return tokens;
  }
}
