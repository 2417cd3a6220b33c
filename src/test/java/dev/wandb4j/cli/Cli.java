package dev.wandb4j.cli;

import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the command line in-process against an emulator: {@code ls}, {@code download}, {@code
 * upload} and {@code rm} get the emulator's base URL and key, everything else runs as given. The
 * environment is the one given here, not the process's.
 */
final class Cli {
  record Result(int code, String out, String err) {}

  private final WandbEmulator emu;
  private Map<String, String> env = Map.of();
  private int columns = 80;

  Cli(WandbEmulator emu) {
    this.emu = emu;
  }

  Cli env(Map<String, String> env) {
    this.env = env;
    return this;
  }

  Cli columns(int columns) {
    this.columns = columns;
    return this;
  }

  Result run(String... args) {
    return run("", false, args);
  }

  Result run(String stdin, boolean terminal, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.isEmpty() && List.of("ls", "download", "upload", "rm").contains(all.get(0))) {
      all.addAll(List.of("--base-url", emu.baseUrl(), "--api-key", emu.apiKey()));
    }
    return raw(stdin, terminal, all.toArray(String[]::new));
  }

  /** Runs exactly the arguments given. */
  Result raw(String stdin, boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new BufferedReader(new StringReader(stdin)),
            new Main.Console(terminal, () -> columns, env));
    return new Result(code, out.toString(), err.toString());
  }

  /** The storage requests recorded so far: one per download attempt of a file. */
  List<RecordedRequest> storageRequests() {
    return emu.requests().stream().filter(q -> q.server().equals("storage")).toList();
  }
}
