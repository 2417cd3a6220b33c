package dev.wandb4j.spring;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.util.Random;

/**
 * One emulator for every Spring test class of a JVM, so that the classes share one cached
 * application context. Its files are never changed by a test; faults and the request log are
 * cleared before each test.
 */
final class SharedEmulator {
  static final WandbEmulator EMU = WandbEmulator.start();
  static final EmulatedRun RUN = EMU.run("acme/proj/r1");
  static final byte[] DATA = bytes(3_000_000, 8);
  static final EmulatedFile BIG = RUN.addFile("media/big file.bin", DATA);
  static final byte[] PAGE_BYTES = "<html><script>alert(1)</script></html>".getBytes();
  static final EmulatedFile HTML = RUN.addFile("media/page.html", PAGE_BYTES);
  static final EmulatedFile SVG = RUN.addFile("media/logo.svg", "<svg/>".getBytes());
  static final EmulatedFile PNG = RUN.addFile("media/a.png", bytes(2_000, 3));
  static final EmulatedFile TEXT = RUN.addFile("logs/output.txt", "hello\n".getBytes());

  /** The proxy's path for {@link #BIG}. */
  static final String BIG_PATH = "/runs/acme/proj/r1/files/media/big file.bin";

  private SharedEmulator() {}

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void reset() {
    EMU.faults().clear();
    for (EmulatedFile f : RUN.files()) {
      f.faults().clear();
    }
    EMU.clearRequests();
  }

  static long storageRequests() {
    return EMU.requests().stream().filter(r -> r.server().equals("storage")).count();
  }

  static long fileRequests() {
    return EMU.requests().stream()
        .filter(r -> r.server().equals("storage") || r.path().startsWith("/files/"))
        .count();
  }
}
