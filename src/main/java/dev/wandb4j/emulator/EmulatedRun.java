package dev.wandb4j.emulator;

import dev.wandb4j.RunPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A run the emulator serves; add files to it with the {@code add} methods. Thread-safe. */
public final class EmulatedRun {
  private final WandbEmulator emulator;
  private final RunPath path;
  private final long projectId;
  private final List<EmulatedFile> files = new ArrayList<>();
  private final Map<String, EmulatedFile> byName = new HashMap<>();

  EmulatedRun(WandbEmulator emulator, RunPath path, long projectId) {
    this.emulator = emulator;
    this.path = path;
    this.projectId = projectId;
  }

  /**
   * The run's path.
   *
   * @return entity, project and run ID
   */
  public RunPath path() {
    return path;
  }

  /**
   * The integer ID of the run's project ({@code Run.projectId}).
   *
   * @return the ID
   */
  public long projectId() {
    return projectId;
  }

  /**
   * Adds (or replaces) a file held in memory.
   *
   * @param name the name inside the run
   * @param bytes the content; copied
   * @return the file
   */
  public EmulatedFile addFile(String name, byte[] bytes) {
    return add(name, Content.of(Objects.requireNonNull(bytes, "bytes")));
  }

  /**
   * Adds (or replaces) a file served from disk with zero-copy {@code sendfile}.
   *
   * @param name the name inside the run
   * @param file the file on disk
   * @return the file
   */
  public EmulatedFile addFile(String name, Path file) {
    return add(name, Content.of(Objects.requireNonNull(file, "file")));
  }

  /**
   * Adds (or replaces) a file of generated, deterministic content: any size, no memory. Its MD5 is
   * computed on first use.
   *
   * @param name the name inside the run
   * @param size the size in bytes
   * @return the file
   */
  public EmulatedFile addGeneratedFile(String name, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    return add(name, Content.generated(size, (path + "/" + name).hashCode() * 31L + size));
  }

  private EmulatedFile add(String name, Content content) {
    Objects.requireNonNull(name, "name");
    EmulatedFile f = new EmulatedFile(this, emulator.nextSeq(), name, content);
    synchronized (this) {
      EmulatedFile old = byName.put(name, f);
      if (old != null) {
        files.remove(old);
      }
      files.add(f);
    }
    emulator.register(f);
    return f;
  }

  /**
   * A file by name.
   *
   * @param name the name
   * @return the file, or {@code null}
   */
  public synchronized EmulatedFile file(String name) {
    return byName.get(name);
  }

  /**
   * Removes a file.
   *
   * @param name the name
   * @return whether it was there
   */
  public boolean removeFile(String name) {
    EmulatedFile f;
    synchronized (this) {
      f = byName.remove(name);
      if (f != null) {
        files.remove(f);
      }
    }
    if (f != null) {
      emulator.unregister(f);
    }
    return f != null;
  }

  synchronized boolean remove(EmulatedFile f) {
    if (byName.get(f.name()) == f) {
      byName.remove(f.name());
      files.remove(f);
      return true;
    }
    return false;
  }

  /**
   * The files, in the order they were added.
   *
   * @return a snapshot
   */
  public synchronized List<EmulatedFile> files() {
    return Collections.unmodifiableList(new ArrayList<>(files));
  }

  /**
   * How many files the run has.
   *
   * @return the count
   */
  public synchronized int fileCount() {
    return files.size();
  }

  /** Files after {@code afterSeq} in order, matching {@code filter}, at most {@code limit}. */
  synchronized List<EmulatedFile> page(
      long afterSeq, int limit, java.util.function.Predicate<String> filter) {
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (files.get(mid).seq() <= afterSeq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<EmulatedFile> out = new ArrayList<>();
    for (int i = lo; i < files.size() && out.size() <= limit; i++) {
      EmulatedFile f = files.get(i);
      if (filter.test(f.name())) {
        out.add(f);
      }
    }
    return out;
  }

  WandbEmulator emulator() {
    return emulator;
  }

  @Override
  public String toString() {
    return "EmulatedRun{" + path + "}";
  }
}
