package dev.wandb4j.internal;

import dev.wandb4j.error.WandbTransferException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks file names from the server before they touch the disk. A name is a relative POSIX path of
 * plain segments; anything that could land outside the download root is refused.
 */
public final class SafePaths {
  /**
   * What the names of the client's own files (part files, journals) contain, and no name from
   * W&amp;B may.
   */
  static final String RESERVED = ".wandb4j-";

  private SafePaths() {}

  /**
   * The path a file of this name is written to under {@code root}.
   *
   * @param root the download root
   * @param name the file's name as the server sent it
   * @return {@code root/name}, normalised, inside root
   * @throws WandbTransferException if the name is empty, absolute, has a drive letter, a backslash,
   *     a control character, an empty, {@code .} or {@code ..} segment, or resolves outside root
   */
  public static Path resolve(Path root, String name) {
    String why = problem(name);
    if (why != null) {
      throw refused(name, why);
    }
    Path base = root.toAbsolutePath().normalize();
    Path target;
    try {
      target = base.resolve(name).normalize();
    } catch (InvalidPathException e) {
      throw refused(name, "it is not a valid path on this system");
    }
    if (!target.startsWith(base) || target.equals(base)) {
      throw refused(name, "it resolves outside the download root");
    }
    return target;
  }

  /**
   * Why a file name is unsafe, or {@code null} if it is fine: the checks {@link #resolve} makes
   * before it resolves a name, which also hold for names sent to W&amp;B.
   *
   * @param name a file's name inside a run
   * @return the reason, e.g. "it has a '..' segment", or {@code null}
   */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return "it contains a control character";
      }
      if (c == '\\') {
        return "it contains a backslash";
      }
      if (c == '\u2028' || c == '\u2029') {
        return "it contains a line separator";
      }
    }
    if (name.charAt(0) == '/') {
      return "it is absolute";
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      return "it starts with a drive letter";
    }
    if (java.io.File.separatorChar == '\\' && name.indexOf(':') >= 0) {
      return "it contains a colon";
    }
    int start = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || name.charAt(i) == '/') {
        String segment = name.substring(start, i);
        if (segment.isEmpty()) {
          return "it has an empty path segment";
        }
        if (segment.equals(".") || segment.equals("..")) {
          return "it has a '" + segment + "' segment";
        }
        // Case-insensitively: on macOS and Windows, X.WANDB4J-PART is the same file as
        // X.wandb4j-part.
        if (segment.toLowerCase(java.util.Locale.ROOT).contains(RESERVED)) {
          return "names with '" + RESERVED + "' in them are kept for the client's own files";
        }
        start = i + 1;
      }
    }
    return null;
  }

  /**
   * Creates the folders from {@code root} down to {@code folder} one at a time, checking each
   * before going into it: a symbolic link is followed only if it leads to a folder inside the root,
   * so nothing is ever created outside it.
   *
   * @param root the download root, created if missing
   * @param folder a folder under the root, as {@link #resolve} gives
   * @param what names the file in messages
   * @throws WandbTransferException if a link leads outside the root or a file is in the way
   */
  static void createFolders(Path root, Path folder, String what) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    Files.createDirectories(base);
    if (folder.equals(base)) {
      return;
    }
    Path realBase = null;
    Path current = base;
    for (Path segment : base.relativize(folder)) {
      Path next = current.resolve(segment);
      BasicFileAttributes a = attributes(next);
      if (a == null) {
        try {
          Files.createDirectory(next);
          current = next;
          continue;
        } catch (FileAlreadyExistsException raced) {
          a = attributes(next);
          if (a == null) {
            throw raced;
          }
        }
      }
      if (a.isSymbolicLink()) {
        if (realBase == null) {
          realBase = base.toRealPath();
        }
        Path real;
        try {
          real = next.toRealPath();
        } catch (NoSuchFileException dangling) {
          throw new WandbTransferException(
              "Refused to download " + what + ": " + next + " is a link to nothing", null, false);
        }
        if (!real.startsWith(realBase)) {
          throw new WandbTransferException(
              "Refused to download "
                  + what
                  + ": a symbolic link under the download root leads outside it ("
                  + next
                  + ")",
              null,
              false);
        }
        if (!Files.isDirectory(real)) {
          throw inTheWay(what, next);
        }
      } else if (!a.isDirectory()) {
        throw inTheWay(what, next);
      }
      current = next;
    }
  }

  private static WandbTransferException inTheWay(String what, Path p) {
    return new WandbTransferException(
        "Cannot download " + what + ": " + p + " is in the way and is not a folder", null, false);
  }

  /** What is at {@code p} itself, a link not followed; {@code null} if nothing is. */
  static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static WandbTransferException refused(String name, String why) {
    return new WandbTransferException(
        "Refused to download a file named '" + printable(name) + "': " + why, null, false);
  }

  /** The name with control characters escaped and its length bounded, for messages. */
  public static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    int limit = Math.min(s.length(), 300);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > limit) {
      sb.append("...");
    }
    return sb.toString();
  }
}
