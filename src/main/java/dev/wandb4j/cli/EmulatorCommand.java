package dev.wandb4j.cli;

import dev.wandb4j.emulator.WandbEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code wandb4j emulator}. */
@Command(
    name = "emulator",
    description = {
      "Serve a folder as a local W&B server until Ctrl-C.",
      "The folder is laid out as entity/project/runId/<file path>, and served live: files",
      "added, changed or removed there are seen by the next request. Deleting a file through",
      "the emulator (wandb4j rm) deletes it from the folder."
    },
    mixinStandardHelpOptions = true)
final class EmulatorCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Option(
      names = "--dir",
      required = true,
      paramLabel = "DIR",
      description = "The folder to serve.")
  Path dir;

  @Option(
      names = "--port",
      defaultValue = "0",
      paramLabel = "PORT",
      description = "API port (default: any free port).")
  int port;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "The API key the emulator accepts (default: a fixed key it prints).")
  String apiKey;

  @Option(
      names = "--latency",
      defaultValue = "0",
      paramLabel = "MS",
      description = "Milliseconds to wait before answering any request (default: 0).")
  long latencyMillis;

  @Override
  public Integer call() throws InterruptedException {
    main.refuseConnectionOptions("emulator");
    String key = apiKey != null ? apiKey : main.apiKey;
    if (!Files.isDirectory(dir)) {
      main.err.println("error: " + dir + " is not a folder");
      return Main.USAGE;
    }
    if (latencyMillis < 0) {
      main.err.println("error: --latency must not be negative");
      return Main.USAGE;
    }
    WandbEmulator.Builder builder = WandbEmulator.builder().port(port).directory(dir);
    if (key != null) {
      builder.apiKey(key);
    }
    WandbEmulator emu = builder.start();
    emu.faults().requestLatency(Duration.ofMillis(latencyMillis));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emu.close();
                  stopped.countDown();
                },
                "wandb4j-emulator-stop"));
    main.out.println("W&B emulator serving " + dir.toAbsolutePath() + " at " + emu.baseUrl());
    main.out.println("  export WANDB_BASE_URL=" + emu.baseUrl());
    main.out.println(
        key == null
            ? "  export WANDB_API_KEY=" + emu.apiKey()
            : "  (WANDB_API_KEY: the key given with --api-key)");
    main.out.println("Press Ctrl-C to stop.");
    main.out.flush();
    stopped.await();
    return Main.OK;
  }
}
