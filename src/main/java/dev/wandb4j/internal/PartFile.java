package dev.wandb4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The file a download writes before it is moved into place, as a resource: claimed, written,
 * forced, then committed or removed, by one transfer.
 *
 * <p>It lives beside its target under a name no W&amp;B file can take ({@link SafePaths} refuses
 * names with {@value #MARK} in them). It is created with {@code CREATE_NEW} or opened without
 * following links, and locked before a byte is written; it is moved into place, or unlinked, while
 * the lock is still held. A transfer that finds the usual part file of its target locked by another
 * transfer writes a part file of its own with a random name instead. So opening, locking,
 * committing and removing can only ever act on this transfer's own file.
 *
 * <p>A part file whose transfer died (a killed process, a power cut) is picked up by the next
 * download of the same target: a small record beside it says which version of the file it holds
 * (W&amp;B's size and MD5), and the download continues from what is on disk when the version still
 * matches. Every method blocks: call them on {@link FileIo}'s threads.
 */
final class PartFile {
  private static final Logger log = Loggers.getLogger(PartFile.class);

  /** What part-file names, and only they, contain. */
  static final String MARK = ".wandb4j-part";

  /** The suffix of the record of what a part file holds. */
  static final String INFO = ".info";

  /** The longest file name most file systems take, in bytes. */
  private static final int NAME_MAX = 255;

  private static final int ATTEMPTS = 4;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The part files open in this JVM, by absolute path. */
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private static final Set<OpenOption> CREATE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);

  private static final Set<OpenOption> ADOPT =
      Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  /** What a resumable part file holds: W&amp;B's size and MD5 of the file. */
  record Version(long size, String md5) {
    String record() {
      return "wandb4j-part 1\n" + size + "\n" + md5 + "\n";
    }
  }

  /**
   * Forces files and folders to disk. The system's, unless a test looks on.
   *
   * @see #durability
   */
  interface Durability {
    void force(AsynchronousFileChannel channel) throws IOException;

    void forceFolder(Path folder);

    Durability SYSTEM =
        new Durability() {
          @Override
          public void force(AsynchronousFileChannel channel) throws IOException {
            channel.force(true);
          }

          @Override
          public void forceFolder(Path folder) {
            // Opening a folder works on Linux and macOS; Windows needs no such call and refuses it.
            try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
              ch.force(true);
            } catch (IOException | UnsupportedOperationException e) {
              log.debug("Could not force folder {} to disk: {}", folder, e.toString());
            }
          }
        };
  }

  /** How part files reach the disk; replaced only by tests. */
  static volatile Durability durability = Durability.SYSTEM;

  private final Path path;
  private final Path info;
  private final AsynchronousFileChannel channel;
  private final FileLock lock;
  private final long resumable;
  private boolean hasRecord;
  private boolean committed;
  private boolean closed;

  private PartFile(
      Path path,
      Path info,
      AsynchronousFileChannel channel,
      FileLock lock,
      long resumable,
      boolean hasRecord) {
    this.path = path;
    this.info = info;
    this.channel = channel;
    this.lock = lock;
    this.resumable = resumable;
    this.hasRecord = hasRecord;
  }

  /**
   * Claims a part file for a target.
   *
   * @param target the final path
   * @param version what the file will hold, or {@code null} if it is not worth resuming
   * @param safety bytes at the end of an abandoned part file that may not have been written
   * @return the part file, locked by this transfer
   */
  static PartFile claim(Path target, Version version, long safety) throws IOException {
    Path usual = target.resolveSibling(usualName(target.getFileName().toString())).toAbsolutePath();
    // Only one transfer in this JVM may open the usual part file: closing any channel of a file
    // drops every lock the JVM holds on it, so a second one must not even open it to look.
    if (OPEN.add(usual)) {
      boolean claimed = false;
      try {
        for (int i = 0; i < ATTEMPTS; i++) {
          PartFile created = create(usual, version);
          if (created != null) {
            claimed = true;
            return created;
          }
          Adoption adopted = adopt(usual, version, safety);
          if (adopted.part != null) {
            claimed = true;
            return adopted.part;
          }
          if (adopted == Adoption.BUSY) {
            break;
          }
        }
      } finally {
        if (!claimed) {
          OPEN.remove(usual);
        }
      }
    }
    return createUnique(target);
  }

  /** The usual part file's name for a target name. */
  static String usualName(String targetName) {
    String name = targetName + MARK;
    if (utf8Length(name + INFO) <= NAME_MAX) {
      return name;
    }
    return "." + sha256(targetName).substring(0, 32) + MARK;
  }

  private static PartFile create(Path path, Version version) throws IOException {
    AsynchronousFileChannel ch;
    try {
      ch = FileIo.shared().open(path, CREATE);
    } catch (FileAlreadyExistsException e) {
      return null;
    }
    FileLock lock = tryLock(ch);
    if (lock == null) {
      // Another transfer opened it between its creation and this lock: it is theirs now.
      close(ch);
      return null;
    }
    Path info = path.resolveSibling(path.getFileName() + INFO);
    boolean recorded = false;
    if (version != null) {
      try {
        recorded = writeRecord(info, version);
      } catch (IOException e) {
        close(ch);
        deleteQuietly(path);
        throw e;
      }
    }
    return new PartFile(path, info, ch, lock, 0, recorded);
  }

  /** What adopting an existing part file came to. */
  private static final class Adoption {
    static final Adoption GONE = new Adoption(null);
    static final Adoption BUSY = new Adoption(null);
    final PartFile part;

    Adoption(PartFile part) {
      this.part = part;
    }
  }

  /**
   * Takes over a part file left by a transfer that is no longer running. It must be a regular file,
   * opened without following links, locked, and still the same file at that path once locked (a
   * transfer moves its part file away while it holds the lock).
   */
  private static Adoption adopt(Path path, Version version, long safety) throws IOException {
    BasicFileAttributes before = attributes(path);
    if (before == null) {
      return Adoption.GONE;
    }
    if (!before.isRegularFile() || before.fileKey() == null) {
      return Adoption.BUSY;
    }
    AsynchronousFileChannel ch;
    try {
      ch = FileIo.shared().open(path, ADOPT);
    } catch (NoSuchFileException e) {
      return Adoption.GONE;
    } catch (FileSystemException e) {
      // A link put there since: not ours to follow.
      return Adoption.BUSY;
    }
    FileLock lock = tryLock(ch);
    if (lock == null) {
      close(ch);
      return Adoption.BUSY;
    }
    BasicFileAttributes after = attributes(path);
    if (after == null || !before.fileKey().equals(after.fileKey())) {
      close(ch);
      return Adoption.GONE;
    }
    if (links(path) > 1) {
      // A commit moves a part file by linking the target first, then unlinking the part file: a
      // process killed between the two leaves the part file as a second name of the committed
      // target. Only that name is removed; the file's bytes are the target's.
      deleteQuietly(path);
      deleteQuietly(path.resolveSibling(path.getFileName() + INFO));
      close(ch);
      return Adoption.GONE;
    }
    Path info = path.resolveSibling(path.getFileName() + INFO);
    long keep = 0;
    if (version != null && version.equals(readRecord(info))) {
      keep = Math.max(0, Math.min(after.size(), version.size()) - safety);
    }
    boolean recorded = false;
    try {
      if (keep == 0) {
        ch.truncate(0);
      }
      if (version == null) {
        deleteQuietly(info);
      } else {
        recorded = writeRecord(info, version);
      }
    } catch (IOException e) {
      close(ch);
      throw e;
    }
    return new Adoption(new PartFile(path, info, ch, lock, keep, recorded));
  }

  /** How many names the file has; 1 where the file system cannot say. */
  private static long links(Path path) {
    try {
      Object n = Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      return n instanceof Number ? ((Number) n).longValue() : 1;
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      return 1;
    }
  }

  /** A part file of this transfer alone, under a random name; never resumed. */
  private static PartFile createUnique(Path target) throws IOException {
    String name = target.getFileName().toString();
    for (int i = 0; ; i++) {
      byte[] random = new byte[8];
      RANDOM.nextBytes(random);
      String suffix = "." + HexFormat.of().formatHex(random) + MARK;
      String partName =
          utf8Length(name + suffix) <= NAME_MAX
              ? name + suffix
              : "." + sha256(name).substring(0, 32) + suffix;
      Path unique = target.resolveSibling(partName).toAbsolutePath();
      if (OPEN.add(unique)) {
        PartFile p = create(unique, null);
        if (p != null) {
          return p;
        }
        OPEN.remove(unique);
      }
      if (i == ATTEMPTS) {
        throw new FileAlreadyExistsException(
            target.resolveSibling(partName).toString(), null, "could not create a part file");
      }
    }
  }

  Path path() {
    return path;
  }

  AsynchronousFileChannel channel() {
    return channel;
  }

  /** Bytes at the start of the file, left by an earlier transfer, that this one may keep. */
  long resumable() {
    return resumable;
  }

  /**
   * Moves the file into place: cut to {@code size}, forced to disk, moved while still locked (over
   * an existing target only when {@code replace}), its folder forced.
   *
   * @throws FileAlreadyExistsException if the target exists and {@code replace} is false
   */
  synchronized void commit(Path target, long size, boolean replace, boolean durable)
      throws IOException {
    if (closed) {
      throw new IOException("the part file was closed");
    }
    if (channel.size() > size) {
      channel.truncate(size);
    }
    Durability d = durability;
    if (durable) {
      d.force(channel);
    }
    if (replace) {
      try {
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      moveWithoutReplacing(target);
    }
    committed = true;
    if (hasRecord) {
      deleteQuietly(info);
    }
    closeChannel();
    if (durable) {
      d.forceFolder(target.getParent());
    }
  }

  /**
   * Moves the part file to a target that must not exist: a hard link fails if it does, atomically;
   * where the file system has no hard links, the check and the move are two steps.
   */
  private void moveWithoutReplacing(Path target) throws IOException {
    try {
      Files.createLink(target, path);
    } catch (FileAlreadyExistsException e) {
      throw appeared(target);
    } catch (UnsupportedOperationException | FileSystemException noLinks) {
      if (noLinks instanceof FileAlreadyExistsException) {
        throw appeared(target);
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw appeared(target);
      }
      try {
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(path, target);
      }
      return;
    }
    deleteQuietly(path);
  }

  private static FileAlreadyExistsException appeared(Path target) {
    return new FileAlreadyExistsException(
        target.toString(),
        null,
        "appeared during the download and was left as it is; download with replace to overwrite"
            + " it");
  }

  /** Removes the file, unless it was committed. Idempotent. */
  synchronized void remove() {
    if (committed || closed) {
      closeChannel();
      return;
    }
    // Unlinked while still locked: no other transfer can have adopted it in between.
    deleteQuietly(path);
    if (hasRecord) {
      deleteQuietly(info);
    }
    closeChannel();
  }

  /**
   * Closes the file and leaves it, with its record, for a later download of the same version to
   * continue; a file without a record (not resumable) is removed instead. Idempotent.
   */
  synchronized void keep() {
    if (committed || closed || !hasRecord) {
      remove();
      return;
    }
    closeChannel();
  }

  /** Whether a later download could continue from this file. */
  synchronized boolean isResumable() {
    return hasRecord;
  }

  /**
   * Reads the first {@code upTo} bytes back into a digest, through the channel this transfer holds:
   * opening the file a second time would drop the lock when that channel is closed.
   */
  synchronized void readBack(java.security.MessageDigest digest, long upTo) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
    long pos = 0;
    while (pos < upTo) {
      buf.clear();
      if (upTo - pos < buf.capacity()) {
        buf.limit((int) (upTo - pos));
      }
      int n;
      try {
        n = channel.read(buf, pos).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading " + path);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof IOException
            ? (IOException) e.getCause()
            : new IOException(e.getCause());
      }
      if (n < 0) {
        throw new IOException(path + " is shorter than " + upTo + " bytes");
      }
      buf.flip();
      digest.update(buf);
      pos += n;
    }
  }

  synchronized boolean isOpen() {
    return !closed;
  }

  private void closeChannel() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    close(channel);
    OPEN.remove(path);
  }

  private static FileLock tryLock(AsynchronousFileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static BasicFileAttributes attributes(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Records what the part file holds; false if the record cannot be a plain file. */
  private static boolean writeRecord(Path info, Version version) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            info,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer b = ByteBuffer.wrap(version.record().getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      return true;
    } catch (FileSystemException notAFile) {
      // Not a plain file (a link planted there): the part file is then simply not resumable.
      log.debug("Could not record what {} holds: {}", info, notAFile.toString());
      return false;
    }
  }

  private static Version readRecord(Path info) {
    try (FileChannel ch =
        FileChannel.open(info, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer b = ByteBuffer.allocate(256);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // read up to 256 bytes
      }
      String[] lines = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n");
      if (lines.length < 3 || !lines[0].equals("wandb4j-part 1")) {
        return null;
      }
      return new Version(Long.parseLong(lines[1]), lines[2]);
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.debug("Could not delete {}: {}", p, e.toString());
    }
  }

  private static void close(AsynchronousFileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing was written through it that matters
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "PartFile{" + path + "}";
  }
}
