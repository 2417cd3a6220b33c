package dev.wandb4j.emulator;

import dev.wandb4j.RunPath;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where the files the emulator receives go: uploads, and the files it makes of what SDKs stream.
 * With a served folder, into the run's folder there ({@code entity/project/runId/<name>}), so that
 * the folder holds what the emulator received; otherwise into a temporary folder of the emulator's
 * own, removed when it closes. A file is written beside its target under a name no run file can
 * have (it contains {@code .wandb4j-}, which the emulator refuses in names and leaves out of
 * folders it serves), then moved into place whole, so that a listing never shows half a file.
 * Blocks: call it on the emulator's workers.
 */
final class ReceivedFiles {
  /** What the temporary files' names contain; no run file may contain it. */
  static final String TEMPORARY = ".wandb4j-upload-";

  private final List<Path> directories;
  private final AtomicLong seq = new AtomicLong();
  private Path store;

  ReceivedFiles(List<Path> directories) {
    this.directories = directories;
  }

  /** Starts receiving a file of a run; the caller commits or abandons it. */
  Pending begin(RunPath run, String name) throws IOException {
    Path target = target(run, name);
    Files.createDirectories(target.getParent());
    String suffix = TEMPORARY + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path temp = target.resolveSibling(target.getFileName() + suffix);
    return new Pending(temp, target);
  }

  /** Writes a whole file of a run and adds it to the run. */
  EmulatedFile write(EmulatedRun run, String name, byte[] bytes) throws IOException {
    Pending p = begin(run.path(), name);
    try {
      p.write(ByteBuffer.wrap(bytes));
      return p.commit(run, name);
    } catch (IOException | RuntimeException e) {
      p.abandon();
      throw e;
    }
  }

  /** Creates a run's folder in the served folder, so that the run is there after a restart. */
  void createRunFolder(RunPath run) throws IOException {
    if (!directories.isEmpty()) {
      Files.createDirectories(runFolder(directories.get(0), run));
    }
  }

  /** Whether a file's content is in the emulator's own folder, to be removed with the file. */
  synchronized boolean isStored(Path path) {
    return path != null && store != null && path.startsWith(store);
  }

  /** Removes the emulator's own folder and everything in it. */
  synchronized void close() {
    if (store == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder; what is left is the system's to clean up
    }
    store = null;
  }

  /** Whether a file of this name can be received into the run's folder (always, with none). */
  boolean fits(RunPath run, String name) {
    if (directories.isEmpty()) {
      return true;
    }
    try {
      inFolder(directories.get(0), run, name);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private Path target(RunPath run, String name) throws IOException {
    if (!directories.isEmpty()) {
      return inFolder(directories.get(0), run, name);
    }
    return store().resolve(Long.toString(seq.incrementAndGet()));
  }

  private static Path inFolder(Path root, RunPath run, String name) throws IOException {
    Path target = ServedFolders.file(runFolder(root, run), name);
    if (target == null) {
      throw new IOException("the name leads outside the run's folder");
    }
    return target;
  }

  private static Path runFolder(Path root, RunPath run) throws IOException {
    Path dir = ServedFolders.runFolder(root, run.entity(), run.project(), run.runId());
    if (dir == null) {
      throw new IOException("the run's path leads outside the served folder");
    }
    return dir;
  }

  private synchronized Path store() throws IOException {
    if (store == null) {
      store = Files.createTempDirectory("wandb4j-emulator-");
    }
    return store;
  }

  /**
   * A file being received: written at increasing positions, its MD5 computed as it goes. Runs of
   * zero bytes are skipped rather than written, so that a large file of zeros (a test's sparse
   * file) takes little disk. Not thread-safe: one writer at a time.
   */
  static final class Pending {
    private final Path temp;
    private final Path target;
    private final FileChannel channel;
    private final MessageDigest md5 = Content.newMd5();
    private long size;
    private boolean corrupted;
    private boolean ended;

    private Pending(Path temp, Path target) throws IOException {
      this.temp = temp;
      this.target = target;
      this.channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
    }

    long size() {
      return size;
    }

    /** Appends a buffer's readable bytes; the buffer is not released. */
    void write(ByteBuf buf) throws IOException {
      for (ByteBuffer b : buf.nioBuffers()) {
        write(b);
      }
    }

    void write(ByteBuffer b) throws IOException {
      int n = b.remaining();
      md5.update(b.duplicate());
      if (!isZero(b)) {
        long at = size;
        while (b.hasRemaining()) {
          at += channel.write(b, at);
        }
      }
      size += n;
    }

    private static boolean isZero(ByteBuffer b) {
      int i = b.position();
      for (; i + 8 <= b.limit(); i += 8) {
        if (b.getLong(i) != 0) {
          return false;
        }
      }
      for (; i < b.limit(); i++) {
        if (b.get(i) != 0) {
          return false;
        }
      }
      return true;
    }

    /** Flips the byte at a position of what was received so far: a fault for tests. */
    void corrupt(long position) throws IOException {
      if (position < 0 || position >= size) {
        return;
      }
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.flip();
      byte b = one.remaining() == 0 ? 0 : one.get(0);
      channel.write(ByteBuffer.wrap(new byte[] {(byte) ~b}), position);
      corrupted = true;
    }

    /**
     * Moves the file into place and adds it to the run, replacing any file of the same name.
     *
     * @return the run's new file
     */
    synchronized EmulatedFile commit(EmulatedRun run, String name) throws IOException {
      if (ended) {
        throw new IOException("the upload was abandoned");
      }
      ended = true;
      try {
        if (channel.size() < size) {
          // The end was zeros, skipped: the file still has to be that long.
          channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
      } finally {
        channel.close();
      }
      String digest =
          corrupted
              ? Base64.getEncoder().encodeToString(Content.of(temp).digest())
              : Base64.getEncoder().encodeToString(md5.digest());
      // Under the run's lock, which a look at the run's folder also takes: the folder is never
      // read while a file in it is being replaced.
      synchronized (run) {
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return run.addReceivedFile(name, Content.received(target, digest));
      }
    }

    /** Closes and removes the temporary file, unless it was committed. Idempotent. */
    synchronized void abandon() {
      if (ended) {
        return;
      }
      ended = true;
      try {
        channel.close();
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // nothing more to do: it is a temporary file
      }
    }
  }
}
