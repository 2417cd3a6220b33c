package dev.wandb4j.emulator;

import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/** A file the emulator serves: real bytes, a real size and a real MD5. */
public final class EmulatedFile {
  private final EmulatedRun run;
  private final long seq;
  private final String name;
  private final Content content;
  private final Instant updatedAt;
  private final Faults faults = new Faults();

  EmulatedFile(EmulatedRun run, long seq, String name, Content content) {
    this.run = run;
    this.seq = seq;
    this.name = name;
    this.content = content;
    this.updatedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /**
   * The W&amp;B-style opaque ID.
   *
   * @return base64 of {@code File:<n>}
   */
  public String id() {
    return Base64.getEncoder().encodeToString(("File:" + seq).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The name inside the run.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The size in bytes.
   *
   * @return the size
   */
  public long size() {
    return content.size();
  }

  /**
   * The base64 MD5 of the content, computed once, on first use, on one of the emulator's worker
   * threads; this method waits for it.
   *
   * @return the digest
   */
  public String md5() {
    return md5Async().join();
  }

  /** The base64 MD5, computed on the emulator's workers. */
  CompletableFuture<String> md5Async() {
    return content.md5(run.emulator().digester());
  }

  /**
   * The MIME type guessed from the name.
   *
   * @return the type, or {@code null}
   */
  public String mimetype() {
    return URLConnection.guessContentTypeFromName(name);
  }

  /**
   * When the file was added.
   *
   * @return the time
   */
  public Instant updatedAt() {
    return updatedAt;
  }

  /**
   * Faults for this file alone.
   *
   * @return the faults, to script
   */
  public Faults faults() {
    return faults;
  }

  /**
   * The run the file belongs to.
   *
   * @return the run
   */
  public EmulatedRun run() {
    return run;
  }

  long seq() {
    return seq;
  }

  Content content() {
    return content;
  }

  @Override
  public String toString() {
    return "EmulatedFile{" + run.path() + ":" + name + ", " + size() + " bytes}";
  }
}
