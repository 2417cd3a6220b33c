package dev.wandb4j.cli;

import picocli.CommandLine.Option;

/**
 * Where the W&amp;B API is and the key for it: the options of ls, download, upload and rm, and
 * whether the key may travel in clear text.
 */
final class Connection {
  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description =
          "W&B API URL (default: WANDB_BASE_URL, else the run URL's host, else"
              + " https://api.wandb.ai).")
  String baseUrl;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "API key. Prefer WANDB_API_KEY or ~/.netrc: a key on the command line is visible to"
              + " other users in the process list and lands in shell history.")
  String apiKey;

  @Option(
      names = "--allow-http",
      description =
          "Allow a plain http:// base URL on another host than this machine: the API key would"
              + " cross the network in clear text.")
  boolean allowHttp;
}
