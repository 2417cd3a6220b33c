package dev.wandb4j.flink;

import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Writes splits into checkpoints. Version 1: the run (entity, project, run ID, display name, state,
 * creation time, tags, group, job type), the cursor and the skip count.
 */
final class RunSplitSerializer implements SimpleVersionedSerializer<RunSplit> {
  static final int VERSION = 1;
  static final RunSplitSerializer INSTANCE = new RunSplitSerializer();

  private RunSplitSerializer() {}

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(RunSplit split) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(128);
    StateIo.writeSplit(split, out);
    return out.getCopyOfBuffer();
  }

  @Override
  public RunSplit deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "A run split of version "
              + version
              + " cannot be read by this wandb4j, which reads version "
              + VERSION);
    }
    DataInputDeserializer in = new DataInputDeserializer(serialized);
    RunSplit split = StateIo.readSplit(in);
    if (in.available() > 0) {
      throw new IOException("Corrupt state: " + in.available() + " bytes after a run split");
    }
    return split;
  }
}
