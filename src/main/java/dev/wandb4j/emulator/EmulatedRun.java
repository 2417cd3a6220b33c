package dev.wandb4j.emulator;

import dev.wandb4j.RunPath;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  private final long created;
  private volatile String displayName;
  private volatile String state = "finished";
  private volatile Instant createdAt;
  private volatile List<String> tags = List.of();
  private volatile String group;
  private volatile String jobType;
  private volatile Map<String, Object> config = Map.of();
  private volatile String description;
  private volatile String notes;
  private final Map<String, List<String>> streamed = new HashMap<>();

  EmulatedRun(WandbEmulator emulator, RunPath path, long projectId, long created) {
    this.emulator = emulator;
    this.path = path;
    this.projectId = projectId;
    this.created = created;
    this.displayName = path.runId();
    this.createdAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * Sets the name W&amp;B's UI shows. Default: the run ID.
   *
   * @param displayName the name
   * @return this run
   */
  public EmulatedRun displayName(String displayName) {
    this.displayName = displayName;
    return this;
  }

  /**
   * Sets the run's state, e.g. {@code running} or {@code crashed}. Default: {@code finished}.
   *
   * @param state the state
   * @return this run
   */
  public EmulatedRun state(String state) {
    this.state = state;
    return this;
  }

  /**
   * Sets when the run was created (kept to the second). Default: when it was added.
   *
   * @param createdAt the time
   * @return this run
   */
  public EmulatedRun createdAt(Instant createdAt) {
    this.createdAt = createdAt.truncatedTo(ChronoUnit.SECONDS);
    return this;
  }

  /**
   * Sets the run's tags. Default: none.
   *
   * @param tags the tags
   * @return this run
   */
  public EmulatedRun tags(String... tags) {
    this.tags = List.of(tags);
    return this;
  }

  /**
   * Sets the run's group and job type. Default: none.
   *
   * @param group the group, or {@code null}
   * @param jobType the job type, or {@code null}
   * @return this run
   */
  public EmulatedRun group(String group, String jobType) {
    this.group = group;
    this.jobType = jobType;
    return this;
  }

  /**
   * Sets the run's config, as {@code key -> value}; filters reach a value as {@code
   * config.<key>.value}, as in W&amp;B. Default: empty.
   *
   * @param config the config
   * @return this run
   */
  public EmulatedRun config(Map<String, Object> config) {
    Map<String, Object> wrapped = new LinkedHashMap<>();
    config.forEach((k, v) -> wrapped.put(k, Collections.singletonMap("value", v)));
    this.config = Collections.unmodifiableMap(wrapped);
    return this;
  }

  /**
   * Sets the run's config from the JSON an SDK sends: values already in W&amp;B's form ({@code
   * {"value": ...}}) are kept, others are wrapped.
   */
  @SuppressWarnings("unchecked")
  void configJson(Map<String, Object> json) {
    Map<String, Object> wrapped = new LinkedHashMap<>();
    json.forEach(
        (k, v) ->
            wrapped.put(
                k,
                v instanceof Map && ((Map<String, Object>) v).containsKey("value")
                    ? v
                    : Collections.singletonMap("value", v)));
    this.config = Collections.unmodifiableMap(wrapped);
  }

  void description(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  void notes(String notes) {
    this.notes = notes;
  }

  String notes() {
    return notes;
  }

  /**
   * Takes lines a {@code file_stream} request sent for one of the run's streamed files. Offsets are
   * line numbers: lines from {@code offset} on are replaced, so a chunk sent again replaces what it
   * sent before instead of adding to it.
   *
   * @param file the streamed file, e.g. {@code output.log}
   * @param offset the line number of the first line
   * @param lines the lines
   * @return every line of the file now
   * @throws IllegalArgumentException if the offset is negative or beyond the last line
   */
  synchronized List<String> stream(String file, long offset, List<String> lines) {
    List<String> all = streamed.computeIfAbsent(file, f -> new ArrayList<>());
    if (offset < 0 || offset > all.size()) {
      throw new IllegalArgumentException(
          "offset " + offset + " of " + file + " is not between 0 and " + all.size());
    }
    for (int i = 0; i < lines.size(); i++) {
      int at = (int) offset + i;
      if (at < all.size()) {
        all.set(at, lines.get(i));
      } else {
        all.add(lines.get(i));
      }
    }
    return new ArrayList<>(all);
  }

  /** How many lines of a streamed file the run has received. */
  synchronized long streamedLines(String file) {
    List<String> lines = streamed.get(file);
    return lines == null ? 0 : lines.size();
  }

  /**
   * The history rows an SDK streamed for this run ({@code wandb-history.jsonl}), one JSON object
   * per line, in step order. As in W&amp;B they are not a file of the run.
   *
   * @return a snapshot of the rows
   */
  public synchronized List<String> history() {
    List<String> rows = streamed.get("wandb-history.jsonl");
    return rows == null ? List.of() : List.copyOf(rows);
  }

  String displayName() {
    return displayName;
  }

  String state() {
    return state;
  }

  Instant createdAt() {
    return createdAt;
  }

  List<String> tags() {
    return tags;
  }

  String group() {
    return group;
  }

  String jobType() {
    return jobType;
  }

  Map<String, Object> configValues() {
    return config;
  }

  /** The order runs were added in: ties of {@code createdAt} are broken by it. */
  long created() {
    return created;
  }

  /** The run as W&amp;B's filters see it: the fields a filter or an order may name. */
  Map<String, Object> document() {
    Map<String, Object> d = new LinkedHashMap<>();
    String created = createdAt.toString().replace("Z", "");
    d.put("name", path.runId());
    d.put("state", state);
    d.put("display_name", displayName);
    d.put("displayName", displayName);
    d.put("createdAt", created);
    d.put("created_at", created);
    d.put("tags", tags);
    d.put("group", group);
    d.put("jobType", jobType);
    d.put("config", config);
    return d;
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

  /** Adds (or replaces) a file the emulator received, whose content is already on disk. */
  EmulatedFile addReceivedFile(String name, Content content) {
    return add(name, content);
  }

  private EmulatedFile add(String name, Content content) {
    Objects.requireNonNull(name, "name");
    EmulatedFile f = new EmulatedFile(this, emulator.nextSeq(), name, content);
    EmulatedFile old;
    synchronized (this) {
      old = byName.put(name, f);
      if (old != null) {
        files.remove(old);
      }
      files.add(f);
    }
    emulator.register(f);
    if (old != null) {
      emulator.replaced(old);
    }
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

  /**
   * A page of the listing {@code filter} selects, as W&amp;B pages: by position. The files at
   * positions {@code from} onward of that listing, in the order they were added, at most {@code
   * limit + 1} of them (one more than a page, to tell whether more follow). Positions are counted
   * afresh on every call, so removing files before {@code from} moves later files up past it.
   *
   * @param from the position of the first file, 0 for the start
   * @param limit the page size
   * @param filter selects by name, or {@code null} for every file
   */
  synchronized List<EmulatedFile> page(
      long from, int limit, java.util.function.Predicate<String> filter) {
    List<EmulatedFile> out = new ArrayList<>();
    if (filter == null) {
      for (long i = from; i < files.size() && out.size() <= limit; i++) {
        out.add(files.get((int) i));
      }
      return out;
    }
    long position = 0;
    for (EmulatedFile f : files) {
      if (filter.test(f.name()) && position++ >= from) {
        out.add(f);
        if (out.size() > limit) {
          break;
        }
      }
    }
    return out;
  }

  WandbEmulator emulator() {
    return emulator;
  }

  WandbEmulator.Project project() {
    return emulator.project(path.entity(), path.project());
  }

  @Override
  public String toString() {
    return "EmulatedRun{" + path + "}";
  }
}
