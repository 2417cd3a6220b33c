package dev.wandb4j.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finds the API key: explicit, else {@code WANDB_API_KEY}, else the netrc entry for the API host.
 */
public final class Credentials {
  private Credentials() {}

  /**
   * Resolves the API key.
   *
   * @param explicit the key given to the builder, or {@code null}
   * @param env reads an environment variable (or returns {@code null})
   * @param userHome the user's home directory, for {@code ~/.netrc}
   * @param baseUrl the API base URL, whose host (and port) names the netrc machine
   * @return the key
   * @throws IllegalStateException if no key can be found, saying how to provide one
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
          return key;
        }
      }
    }
    throw new IllegalStateException(missingKeyMessage(baseUrl));
  }

  /**
   * Says that no key was found for the API host, and how to give one.
   *
   * @param baseUrl the API base URL
   * @return the message
   */
  public static String missingKeyMessage(URI baseUrl) {
    String machine = machine(baseUrl);
    return "No W&B API key found for "
        + machine
        + ". Set WANDB_API_KEY, pass one to WandbClient.builder().apiKey(...) (the wandb.api-key"
        + " property in Spring Boot), or add 'machine "
        + machine
        + " login user password <key>' to ~/.netrc (or the file named by NETRC)."
        + " Keys are at https://wandb.ai/authorize.";
  }

  private static String machine(URI baseUrl) {
    return baseUrl.getHost() + (baseUrl.getPort() == -1 ? "" : ":" + baseUrl.getPort());
  }

  private static List<Path> netrcCandidates(Function<String, String> env, Path userHome) {
    List<Path> candidates = new ArrayList<>();
    String named = env.apply("NETRC");
    if (named != null && !named.isBlank()) {
      candidates.add(Path.of(named));
      return candidates;
    }
    if (userHome != null) {
      candidates.add(userHome.resolve(".netrc"));
      candidates.add(userHome.resolve("_netrc"));
    }
    return candidates;
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
