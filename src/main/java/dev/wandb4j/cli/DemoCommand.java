package dev.wandb4j.cli;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.File;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code wandb4j demo}: the whole tool against an emulator, with no account. */
@Command(
    name = "demo",
    description = {
      "Try the tool on a local W&B emulator: no account, no network.",
      "Starts an emulator with a realistic run, lists it, and downloads everything,",
      "verified, with a progress bar."
    },
    mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
  static final String RUN = "demo/showcase/7k2m9x";

  @ParentCommand Main main;

  @Option(
      names = "--root",
      defaultValue = "wandb4j-demo",
      paramLabel = "DIR",
      description = "Where to download (default: ./wandb4j-demo).")
  Path root;

  @Option(
      names = "--images",
      defaultValue = "400",
      paramLabel = "N",
      description = "How many media files (default: 400).")
  int images;

  @Option(
      names = "--checkpoint-mib",
      defaultValue = "128",
      paramLabel = "MIB",
      description = "Size of each of the 3 checkpoints, in MiB (default: 128).")
  int checkpointMib;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "16",
      paramLabel = "N",
      description = "Files in flight at once (default: 16).")
  int concurrency;

  @Override
  public Integer call() throws Exception {
    main.refuseConnectionOptions("demo");
    try (WandbEmulator emu = WandbEmulator.start()) {
      populate(emu.run(RUN));
      main.out.println(
          "Started a local W&B emulator at " + emu.baseUrl() + " with run " + RUN + ".");
      Run run = emu.client().run(RUN);

      main.out.println();
      main.out.println("$ wandb4j ls " + RUN);
      List<File> files = run.files(FileQuery.builder().perPage(200).build()).collectList().block();
      Map<String, long[]> byFolder = new TreeMap<>();
      long total = 0;
      for (File f : files) {
        int slash = f.name().indexOf('/');
        String folder = slash < 0 ? "(top level)" : f.name().substring(0, slash) + "/";
        long[] agg = byFolder.computeIfAbsent(folder, k -> new long[2]);
        agg[0]++;
        agg[1] += f.size();
        total += f.size();
      }
      for (Map.Entry<String, long[]> e : byFolder.entrySet()) {
        main.out.printf(
            "  %-14s %11s  %10s%n",
            e.getKey(), Format.count(e.getValue()[0], "file"), Format.bytes(e.getValue()[1]));
      }
      main.out.printf("  %s, %s%n", Format.count(files.size(), "file"), Format.bytes(total));

      main.out.println();
      main.out.println(
          "$ wandb4j download " + RUN + " --root " + root + " --concurrency " + concurrency);
      main.out.flush();
      int code =
          new BulkRun(main)
              .download(
                  emu.client(),
                  run,
                  root,
                  FileQuery.builder().perPage(1000).build(),
                  DownloadOptions.builder().sync(true).build(),
                  concurrency,
                  new Requested(null));
      if (code != Main.OK) {
        return code;
      }
      main.out.println(
          "Every file's size and MD5 was verified before it was moved into place under "
              + root.toAbsolutePath()
              + ".");
      main.out.println(
          "Run the demo again: every file is found up to date and nothing is downloaded.");
      main.out.println();
      main.out.println("The same commands against your own runs on W&B:");
      main.out.println("  export WANDB_API_KEY=<your key from https://wandb.ai/authorize>");
      main.out.println("  java -jar target/wandb4j.jar ls <entity>/<project>/<run-id>");
      main.out.println(
          "  java -jar target/wandb4j.jar download <entity>/<project>/<run-id> --root ./run");
      main.out.println("A self-hosted server: export WANDB_BASE_URL=https://wandb.example.com");
      main.out.flush();
      return Main.OK;
    }
  }

  private void populate(EmulatedRun run) {
    String[] splits = {"train", "val"};
    for (int i = 0; i < images; i++) {
      String split = splits[i % 2];
      int epoch = (i / 2) % 10;
      run.addGeneratedFile(
          "media/images/" + split + "/epoch_" + epoch + "/sample_" + i + ".png",
          4_096 + (i * 7_919L) % 60_000);
    }
    for (int i = 0; i < 20; i++) {
      run.addFile(
          "media/tables/predictions_" + i + ".table.json",
          ("{\"columns\":[\"id\",\"label\",\"score\"],\"data\":[[" + i + ",\"cat\",0.9" + i + "]]}")
              .getBytes(StandardCharsets.UTF_8));
    }
    run.addGeneratedFile("output.log", 2_000_000);
    run.addFile(
        "wandb-summary.json",
        "{\"loss\":0.0312,\"accuracy\":0.981}".getBytes(StandardCharsets.UTF_8));
    run.addFile(
        "config.yaml",
        "lr:\n  value: 0.0003\nbatch_size:\n  value: 64\n".getBytes(StandardCharsets.UTF_8));
    run.addFile(
        "wandb-metadata.json",
        "{\"python\":\"3.11.7\",\"gpu\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    run.addFile(
        "requirements.txt", "torch==2.5.1\nwandb==0.28.2\n".getBytes(StandardCharsets.UTF_8));
    for (int epoch : new int[] {3, 6, 9}) {
      run.addGeneratedFile(
          "checkpoints/model_epoch_" + epoch + ".ckpt", (long) checkpointMib << 20);
    }
  }
}
