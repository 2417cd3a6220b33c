package dev.wandb4j.flink;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's type information for {@link WandbFileRecord}: its own serializer, no Kryo. */
final class WandbFileRecordTypeInfo extends TypeInformation<WandbFileRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<WandbFileRecord> getTypeClass() {
    return WandbFileRecord.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<WandbFileRecord> createSerializer(SerializerConfig config) {
    return WandbFileRecordSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "WandbFileRecord";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WandbFileRecordTypeInfo;
  }

  @Override
  public int hashCode() {
    return WandbFileRecordTypeInfo.class.hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof WandbFileRecordTypeInfo;
  }
}
