package dev.wandb4j.flink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Writes the enumerator's state into checkpoints. Version 1: whether the runs were listed; the
 * pending splits, each as {@link RunSplitSerializer} version 1 writes it; the assigned run IDs; the
 * finished run IDs.
 */
final class EnumeratorStateSerializer implements SimpleVersionedSerializer<EnumeratorState> {
  static final int VERSION = 1;
  static final EnumeratorStateSerializer INSTANCE = new EnumeratorStateSerializer();

  private EnumeratorStateSerializer() {}

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(EnumeratorState state) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    out.writeBoolean(state.listed());
    out.writeInt(state.pending().size());
    for (RunSplit split : state.pending()) {
      StateIo.writeSplit(split, out);
    }
    writeIds(state.assigned(), out);
    writeIds(state.finished(), out);
    return out.getCopyOfBuffer();
  }

  @Override
  public EnumeratorState deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "An enumerator checkpoint of version "
              + version
              + " cannot be read by this wandb4j, which reads version "
              + VERSION);
    }
    DataInputDeserializer in = new DataInputDeserializer(serialized);
    boolean listed = in.readBoolean();
    int count = count(in, "pending runs");
    List<RunSplit> pending = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      pending.add(StateIo.readSplit(in));
    }
    Set<String> assigned = readIds(in, "assigned runs");
    Set<String> finished = readIds(in, "finished runs");
    if (in.available() > 0) {
      throw new IOException("Corrupt state: " + in.available() + " bytes after the enumerator's");
    }
    return new EnumeratorState(pending, assigned, finished, listed);
  }

  private static void writeIds(Set<String> ids, DataOutputSerializer out) throws IOException {
    out.writeInt(ids.size());
    for (String id : ids) {
      StateIo.writeString(id, out);
    }
  }

  private static Set<String> readIds(DataInputDeserializer in, String what) throws IOException {
    int count = count(in, what);
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      ids.add(StateIo.readRequiredString(in, "a run ID"));
    }
    return ids;
  }

  private static int count(DataInputDeserializer in, String what) throws IOException {
    int count = in.readInt();
    if (count < 0) {
      throw new IOException("Corrupt state: " + count + " " + what);
    }
    return count;
  }
}
