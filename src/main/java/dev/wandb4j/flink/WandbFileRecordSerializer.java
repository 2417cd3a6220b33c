package dev.wandb4j.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for {@link WandbFileRecord}s, which {@link WandbFilesSource} declares as its
 * type: records cross Flink's network and state in this compact form rather than through Kryo.
 * Pipelines do not use it directly.
 */
public final class WandbFileRecordSerializer extends TypeSerializer<WandbFileRecord> {
  private static final long serialVersionUID = 1L;

  static final WandbFileRecordSerializer INSTANCE = new WandbFileRecordSerializer();

  private static final WandbFileRecord.Content[] CONTENTS = WandbFileRecord.Content.values();

  private WandbFileRecordSerializer() {}

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public TypeSerializer<WandbFileRecord> duplicate() {
    return this;
  }

  @Override
  public WandbFileRecord createInstance() {
    return null;
  }

  @Override
  public WandbFileRecord copy(WandbFileRecord from) {
    return from;
  }

  @Override
  public WandbFileRecord copy(WandbFileRecord from, WandbFileRecord reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(WandbFileRecord record, DataOutputView out) throws IOException {
    StateIo.writeRun(record.run(), out);
    FileMetadata f = record.file();
    StateIo.writeString(f.id(), out);
    StateIo.writeString(f.name(), out);
    out.writeLong(f.size());
    StateIo.writeString(f.md5(), out);
    StateIo.writeString(f.mimetype(), out);
    StateIo.writeInstant(f.updatedAt(), out);
    out.writeByte(record.content().ordinal());
    switch (record.content()) {
      case BYTES:
        byte[] bytes = record.rawBytes();
        out.writeInt(bytes.length);
        out.write(bytes);
        break;
      case DOWNLOADED:
        StateIo.writeString(record.rawPath(), out);
        break;
      default:
        break;
    }
  }

  @Override
  public WandbFileRecord deserialize(DataInputView in) throws IOException {
    RunMetadata run = StateIo.readRun(in);
    FileMetadata file =
        new FileMetadata(
            StateIo.readRequiredString(in, "file ID"),
            StateIo.readRequiredString(in, "file name"),
            in.readLong(),
            StateIo.readString(in),
            StateIo.readString(in),
            StateIo.readInstant(in));
    int kind = in.readUnsignedByte();
    if (kind >= CONTENTS.length) {
      throw new IOException("Corrupt record: content kind " + kind);
    }
    switch (CONTENTS[kind]) {
      case BYTES:
        int length = in.readInt();
        if (length < 0) {
          throw new IOException("Corrupt record: " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return WandbFileRecord.bytes(run, file, bytes);
      case DOWNLOADED:
        return WandbFileRecord.downloaded(
            run, file, StateIo.readRequiredString(in, "downloaded path"));
      default:
        return WandbFileRecord.metadata(run, file);
    }
  }

  @Override
  public WandbFileRecord deserialize(WandbFileRecord reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WandbFileRecordSerializer;
  }

  @Override
  public int hashCode() {
    return WandbFileRecordSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<WandbFileRecord> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer's snapshot, as Flink's state compatibility checks need one. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<WandbFileRecord> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
