package dev.wandb4j.flink;

import dev.wandb4j.RunPath;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** Writes and reads the values that splits, checkpoints and records share. */
final class StateIo {
  private StateIo() {}

  /** A string of any length, or {@code null}. */
  static void writeString(String s, DataOutputView out) throws IOException {
    StringValue.writeString(s, out);
  }

  static String readString(DataInputView in) throws IOException {
    return StringValue.readString(in);
  }

  static String readRequiredString(DataInputView in, String what) throws IOException {
    String s = readString(in);
    if (s == null) {
      throw new IOException("Corrupt state: " + what + " is missing");
    }
    return s;
  }

  static void writeInstant(Instant t, DataOutputView out) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    }
  }

  static Instant readInstant(DataInputView in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  static void writeRun(RunMetadata run, DataOutputView out) throws IOException {
    writeString(run.path().entity(), out);
    writeString(run.path().project(), out);
    writeString(run.path().runId(), out);
    writeString(run.displayName(), out);
    writeString(run.state(), out);
    writeInstant(run.createdAt(), out);
    out.writeInt(run.tags().size());
    for (String tag : run.tags()) {
      writeString(tag, out);
    }
    writeString(run.group(), out);
    writeString(run.jobType(), out);
  }

  static RunMetadata readRun(DataInputView in) throws IOException {
    RunPath path;
    try {
      path =
          RunPath.of(
              readRequiredString(in, "entity"),
              readRequiredString(in, "project"),
              readRequiredString(in, "run ID"));
    } catch (IllegalArgumentException e) {
      throw new IOException("Corrupt state: " + e.getMessage(), e);
    }
    String displayName = readString(in);
    String state = readString(in);
    Instant createdAt = readInstant(in);
    int tagCount = in.readInt();
    if (tagCount < 0) {
      throw new IOException("Corrupt state: " + tagCount + " tags");
    }
    List<String> tags = new ArrayList<>(Math.min(tagCount, 64));
    for (int i = 0; i < tagCount; i++) {
      tags.add(readRequiredString(in, "tag"));
    }
    String group = readString(in);
    String jobType = readString(in);
    return new RunMetadata(path, displayName, state, createdAt, tags, group, jobType);
  }

  static void writeSplit(RunSplit split, DataOutputView out) throws IOException {
    writeRun(split.run(), out);
    writeString(split.cursor(), out);
    out.writeInt(split.skip());
  }

  static RunSplit readSplit(DataInputView in) throws IOException {
    RunMetadata run = readRun(in);
    String cursor = readString(in);
    int skip = in.readInt();
    if (skip < 0) {
      throw new IOException("Corrupt state: a split skips " + skip + " files");
    }
    return new RunSplit(run, cursor, skip);
  }
}
