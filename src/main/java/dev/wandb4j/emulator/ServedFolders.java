package dev.wandb4j.emulator;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a run's files lie in a served directory: {@code entity/project/runId/<name>}, never outside
 * the run's folder, and never through a linked folder, which may lead anywhere. A linked file is
 * served as the file it names. Internal.
 */
final class ServedFolders {
  private ServedFolders() {}

  /** A run's folder under a served directory, or {@code null} if its path would lead elsewhere. */
  static Path runFolder(Path root, String entity, String project, String runId) {
    Path dir;
    try {
      dir = root.resolve(entity).resolve(project).resolve(runId).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
    return dir.startsWith(root) && dir.getNameCount() == root.getNameCount() + 3 ? dir : null;
  }

  /**
   * The path a file name stands for under a run's folder, or {@code null} for a name that leads
   * outside it, to the folder itself, or through a linked folder.
   */
  static Path file(Path dir, String name) {
    Path f;
    try {
      f = dir.resolve(name).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
    return f.startsWith(dir) && !f.equals(dir) && !throughLink(dir, f) ? f : null;
  }

  /** Whether a path under {@code dir} goes through a symbolic link before its last part. */
  private static boolean throughLink(Path dir, Path path) {
    for (Path p = path.getParent(); p != null && !p.equals(dir); p = p.getParent()) {
      if (!p.startsWith(dir) || Files.isSymbolicLink(p)) {
        return true;
      }
    }
    return false;
  }
}
