package dev.wandb4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * What a folder's synchronised downloads completed: one line per file, appended as each is moved
 * into place or found unchanged, with W&amp;B's size and MD5 and the local file's modification
 * time. A later download with {@code sync} takes a file whose size and modification time are still
 * those recorded as complete without reading it again, so that running a large export again costs a
 * listing, not a re-hash. A file changed since (another size or time), a line cut short by a crash,
 * or a missing journal simply mean the file is checked as usual.
 *
 * <p>The journal is {@value #NAME} in the folder; its lines are {@code size TAB md5 TAB
 * modified-millis TAB name}. Every method blocks: call them on {@link FileIo}'s threads.
 */
public final class Journal {
  private static final Logger log = Loggers.getLogger(Journal.class);

  /** The journal's file name; {@link SafePaths} keeps W&amp;B names of this form out. */
  public static final String NAME = ".wandb4j-journal";

  /** What the journal says of one file. */
  record Entry(long size, String md5, long modifiedMillis) {}

  private final Path file;
  private Map<String, Entry> entries;
  private FileChannel appender;

  private Journal(Path folder) {
    this.file = folder.resolve(NAME);
  }

  /** The journal of a folder; nothing is read until it is used. */
  public static Journal of(Path folder) {
    return new Journal(folder.toAbsolutePath().normalize());
  }

  Path folder() {
    return file.getParent();
  }

  /**
   * Whether the file at {@code target}, named {@code name} in the journal's folder, is recorded as
   * complete for this size and MD5, and has not changed on disk since.
   */
  synchronized boolean isComplete(String name, long size, String md5, BasicFileAttributes target) {
    if (md5 == null || target == null || !target.isRegularFile() || target.size() != size) {
      return false;
    }
    Entry e = entries().get(name);
    return e != null
        && e.size() == size
        && e.md5().equals(md5.strip())
        && e.modifiedMillis() == target.lastModifiedTime().toMillis();
  }

  /** Records a file as complete, as it now is on disk. */
  synchronized void completed(String name, long size, String md5, Path target) {
    if (md5 == null || md5.isBlank()) {
      return;
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long modified = a.lastModifiedTime().toMillis();
      Entry e = new Entry(size, md5.strip(), modified);
      entries().put(name, e);
      if (appender == null) {
        appender =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS);
      }
      String line = size + "\t" + e.md5() + "\t" + modified + "\t" + name + "\n";
      ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        appender.write(b);
      }
    } catch (IOException e) {
      // The journal only saves work: without it the file is checked again next time.
      log.debug("Could not record {} in {}: {}", name, file, e.toString());
    }
  }

  /** Closes the file the journal appends to. */
  public synchronized void close() {
    if (appender != null) {
      try {
        appender.close();
      } catch (IOException ignored) {
        // the lines written are on disk already
      }
      appender = null;
    }
  }

  private Map<String, Entry> entries() {
    if (entries == null) {
      entries = read(file);
    }
    return entries;
  }

  private static Map<String, Entry> read(Path file) {
    Map<String, Entry> map = new HashMap<>();
    byte[] bytes;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        return map;
      }
      ByteBuffer b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // read it whole
      }
      bytes = b.array();
    } catch (NoSuchFileException e) {
      return map;
    } catch (IOException e) {
      log.debug("Could not read {}: {}", file, e.toString());
      return map;
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int start = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      String line = text.substring(start, nl);
      start = nl + 1;
      String[] f = line.split("\t", 4);
      if (f.length != 4 || f[3].isEmpty()) {
        continue;
      }
      try {
        map.put(f[3], new Entry(Long.parseLong(f[0]), f[1], Long.parseLong(f[2])));
      } catch (NumberFormatException malformed) {
        // a line cut short or written by something else: skipped
      }
    }
    return map;
  }
}
