package dev.wandb4j.internal;

import dev.wandb4j.error.WandbTransferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The local files a bulk upload sends: a folder walked to any depth, lazily and off the caller's
 * thread, each file named by its path under the upload's root (with {@code /} between segments)
 * after a prefix. Symbolic links under the root are never followed, neither to files nor to
 * folders, so that nothing outside the root is sent: each is reported as refused. So are special
 * files (pipes, devices), unreadable folders and names that could not be written back safely. The
 * client's own files (part files and journals of downloads, whose names hold {@code .wandb4j-}) are
 * left out. Internal.
 */
public final class LocalTree {
  private LocalTree() {}

  /**
   * The files at {@code start}, a file or a folder under {@code root} (or the root itself).
   *
   * @param root the folder names are relative to; a link there is followed, since the caller named
   *     it
   * @param start what to upload, absolute or relative to the working folder
   * @param prefix put before each relative path to make its name
   * @return one candidate per file, refused ones with their reason
   */
  public static Flux<Uploads.Candidate> walk(Path root, Path start, String prefix) {
    return Flux.<Uploads.Candidate, Walk>generate(
            () -> new Walk(root, start, prefix),
            (walk, sink) -> {
              Uploads.Candidate c = walk.next();
              if (c == null) {
                sink.complete();
              } else {
                sink.next(c);
              }
              return walk;
            },
            Walk::close)
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** One walk, as an iterator of candidates; blocking. */
  private static final class Walk {
    private final String prefix;
    private Path realRoot;
    private Stream<Path> stream;
    private Iterator<Path> files;
    private Uploads.Candidate single;

    Walk(Path root, Path start, String prefix) {
      this.prefix = prefix;
      Path from;
      try {
        realRoot = root.toRealPath();
        from = within(root, start);
      } catch (WandbTransferException refused) {
        single = refused(start, start.toString(), refused);
        return;
      } catch (IOException e) {
        single =
            refused(
                root,
                "",
                new WandbTransferException(
                    "Cannot upload the folder " + root + ": " + LocalFile.reason(e), e, false));
        return;
      }
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(from, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        single = candidate(from);
        return;
      }
      if (!a.isDirectory()) {
        single = candidate(from);
        return;
      }
      try {
        stream = Files.walk(from);
        files = stream.iterator();
      } catch (IOException e) {
        single = folderRefused(from, e);
      }
    }

    /**
     * Where {@code start} is under the real root, each folder on the way checked not to be a link.
     */
    private Path within(Path root, Path start) throws IOException {
      Path abs = start.toAbsolutePath().normalize();
      Path rootAbs = root.toAbsolutePath().normalize();
      Path rel;
      if (abs.startsWith(rootAbs)) {
        rel = rootAbs.relativize(abs);
      } else if (abs.startsWith(realRoot)) {
        rel = realRoot.relativize(abs);
      } else {
        throw new WandbTransferException(
            "Cannot upload " + start + ": it is not under the folder being uploaded, " + root,
            null,
            false);
      }
      Path current = realRoot;
      for (int i = 0; i < rel.getNameCount() - 1; i++) {
        current = current.resolve(rel.getName(i));
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          break;
        }
        if (a.isSymbolicLink()) {
          throw new WandbTransferException(
              "Cannot upload "
                  + start
                  + ": "
                  + current
                  + " is a symbolic link, and links under the folder being uploaded are not"
                  + " followed",
              null,
              false);
        }
      }
      return rel.toString().isEmpty() ? realRoot : realRoot.resolve(rel);
    }

    /** The next candidate, or {@code null} at the end. */
    Uploads.Candidate next() {
      if (single != null) {
        Uploads.Candidate c = single;
        single = null;
        return c;
      }
      while (files != null) {
        Path p;
        try {
          if (!files.hasNext()) {
            return null;
          }
          p = files.next();
        } catch (UncheckedIOException e) {
          Path where =
              e.getCause() instanceof java.nio.file.FileSystemException fse && fse.getFile() != null
                  ? Path.of(fse.getFile())
                  : realRoot;
          return folderRefused(where, e.getCause());
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || isOwnFile(p)) {
          continue;
        }
        return candidate(p);
      }
      return null;
    }

    private Uploads.Candidate candidate(Path p) {
      String name = name(p);
      String why = SafePaths.problem(name);
      if (why != null) {
        return refused(
            p,
            name,
            new WandbTransferException(
                "Refused to upload " + p + " as '" + SafePaths.printable(name) + "': " + why,
                null,
                false));
      }
      try {
        return new Uploads.Candidate(p, name, LocalFile.of(p, name, false), null);
      } catch (WandbTransferException refused) {
        return refused(p, name, refused);
      }
    }

    private Uploads.Candidate folderRefused(Path folder, IOException e) {
      return refused(
          folder,
          name(folder),
          new WandbTransferException(
              "Cannot upload the files in " + folder + ": " + LocalFile.reason(e), e, false));
    }

    private String name(Path p) {
      StringBuilder sb = new StringBuilder(prefix);
      Path rel = realRoot.relativize(p);
      for (int i = 0; i < rel.getNameCount(); i++) {
        sb.append(i > 0 ? "/" : "").append(rel.getName(i));
      }
      return sb.toString();
    }

    private static boolean isOwnFile(Path p) {
      return p.getFileName().toString().toLowerCase(Locale.ROOT).contains(SafePaths.RESERVED);
    }

    private static Uploads.Candidate refused(Path p, String name, Throwable why) {
      return new Uploads.Candidate(p, name, null, why);
    }

    void close() {
      if (stream != null) {
        stream.close();
      }
    }
  }
}
