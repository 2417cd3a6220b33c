package dev.wandb4j.internal;

import dev.wandb4j.error.WandbTransferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Set;

/**
 * A local file to upload, as it was when its upload began: its size, modification time and
 * identity, against which it is checked again before each attempt and after the last. Blocking
 * methods: call them on the file pool or a bounded elastic thread.
 *
 * @param path the file
 * @param name its name in the run
 * @param followLinks whether a symbolic link at {@code path} is followed (a file the caller named
 *     itself) or refused (a file found under a folder)
 * @param size its size when it was first looked at
 * @param modified its modification time then
 * @param key its identity then (inode), or {@code null} where the file system has none
 */
public record LocalFile(
    Path path, String name, boolean followLinks, long size, FileTime modified, Object key) {

  /**
   * Looks at a file before its upload.
   *
   * @throws WandbTransferException if it is missing, not a regular file, a link that is not to be
   *     followed, or unreadable
   */
  public static LocalFile of(Path path, String name, boolean followLinks) {
    BasicFileAttributes a = attributes(path, followLinks, name);
    LocalFile f =
        new LocalFile(path, name, followLinks, a.size(), a.lastModifiedTime(), a.fileKey());
    // Opened once now, so that a file that cannot be read is refused before anything is sent.
    try {
      FileChannel.open(path, f.openOptions()).close();
      return f;
    } catch (IOException e) {
      throw refused(path, name, "it cannot be read (" + reason(e) + ")", e);
    }
  }

  private static BasicFileAttributes attributes(Path path, boolean followLinks, String name) {
    BasicFileAttributes a;
    try {
      a =
          followLinks
              ? Files.readAttributes(path, BasicFileAttributes.class)
              : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw refused(path, name, "there is no such file", e);
    } catch (IOException e) {
      throw refused(path, name, reason(e), e);
    }
    if (a.isSymbolicLink()) {
      throw refused(
          path,
          name,
          "it is a symbolic link, and links under the folder being uploaded are not followed, so"
              + " that nothing outside it is sent; upload its target by its own path",
          null);
    }
    if (a.isDirectory()) {
      throw refused(path, name, "it is a folder; upload folders with uploadAll", null);
    }
    if (!a.isRegularFile()) {
      throw refused(path, name, "it is not a regular file", null);
    }
    return a;
  }

  /** How to open the file: never through a link unless links are followed. */
  Set<OpenOption> openOptions() {
    return followLinks
        ? Set.of(StandardOpenOption.READ)
        : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  /** Opens the file for reading, checking that it is still the file looked at. */
  FileChannel open(String what) {
    checkUnchanged(what);
    try {
      return FileChannel.open(path, openOptions());
    } catch (IOException e) {
      throw unreadable(what, e);
    }
  }

  /**
   * Checks that the file still has the size, modification time and identity it had when its upload
   * began.
   *
   * @throws WandbTransferException if it changed, or is gone
   */
  void checkUnchanged(String what) {
    BasicFileAttributes now;
    try {
      now =
          followLinks
              ? Files.readAttributes(path, BasicFileAttributes.class)
              : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw changed(what, "it is gone or unreadable (" + reason(e) + ")", e);
    }
    if (!now.isRegularFile()) {
      throw changed(what, "it is no longer a regular file", null);
    }
    if (now.size() != size) {
      throw changed(what, "its size went from " + size + " to " + now.size() + " bytes", null);
    }
    if (!now.lastModifiedTime().equals(modified)) {
      throw changed(what, "it was modified at " + now.lastModifiedTime(), null);
    }
    if (key != null && !Objects.equals(key, now.fileKey())) {
      throw changed(what, "another file took its place", null);
    }
  }

  /**
   * The file's MD5, read through a channel of its own, checking that it is still the file looked at
   * and that it has as many bytes as then.
   */
  byte[] md5(String what) {
    MessageDigest d = Md5.newDigest();
    long n = 0;
    try (FileChannel ch = open(what)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
      while (true) {
        buf.clear();
        int r = ch.read(buf);
        if (r < 0) {
          break;
        }
        buf.flip();
        d.update(buf);
        n += r;
      }
    } catch (IOException e) {
      throw unreadable(what, e);
    }
    if (n != size) {
      throw changed(what, "it has " + n + " bytes, not " + size, null);
    }
    return d.digest();
  }

  private static WandbTransferException refused(
      Path path, String name, String why, Throwable cause) {
    return new WandbTransferException(
        "Cannot upload " + path + " as '" + SafePaths.printable(name) + "': " + why, cause, false);
  }

  private static WandbTransferException changed(String what, String how, Throwable cause) {
    return new WandbTransferException(
        "The upload of "
            + what
            + " failed because the local file changed while it was being uploaded: "
            + how
            + "; upload it again once it is complete",
        cause,
        false);
  }

  /** A file that could be read when its upload began and cannot now. */
  private WandbTransferException unreadable(String what, IOException e) {
    return new WandbTransferException(
        "The upload of " + what + " failed: " + path + " could not be read (" + reason(e) + ")",
        e,
        false);
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
