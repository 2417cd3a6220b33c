package dev.wandb4j.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Splits, the enumerator's checkpoint and records survive serialization; versions are checked. */
class SerializersTest {
  /**
   * Version 1 of a split, as this code wrote it: a later version of the serializer must go on
   * reading it, or checkpoints taken before an upgrade could not be restored.
   */
  static final String SPLIT_V1 =
      "0561636d6507766973696f6e047231320f73776565702d72312d73776565700966696e697368656401"
          + "000000006798ff101d6fb04a0000000205626573740376320867726f75702d3106747261696e0b"
          + "6375727369253a31323300000003";

  /**
   * Version 1 of a split of the emulator's run acme/vision/r1 (tags "v1", created 2025-03-01), as
   * this code wrote it: three files past the start of the listing (the emulator's cursor of
   * position 2), one more file emitted after that.
   */
  static final String SPLIT_V1_R1 =
      "0561636d6507766973696f6e0372310872312d6e616d650966696e697368656401000000006"
          + "7c24e00000000000000000103763100000d59335679633239794f6a493d00000001";

  /**
   * Version 1 of an enumerator's checkpoint, as this code wrote it: the runs listed; {@link
   * #SPLIT_V1_R1} pending; r2 handed out; r0 finished.
   */
  static final String ENUMERATOR_V1 =
      "01000000010561636d6507766973696f6e0372310872312d6e616d650966696e697368656401"
          + "0000000067c24e00000000000000000103763100000d59335679633239794f6a493d00000001"
          + "0000000103723200000001037230";

  @Test
  void aSplitKeepsItsRunAndPositionAcrossACheckpoint() throws IOException {
    RunSplit split = new RunSplit(Samples.run("r1"), "Y3Vyc29yOjEy", 2);
    RunSplit back = roundTrip(split);
    assertThat(back).isEqualTo(split);
    assertThat(back.run().createdAt()).isEqualTo(split.run().createdAt());
    assertThat(back.run().tags()).containsExactly("best", "v2");
    assertThat(back.cursor()).isEqualTo("Y3Vyc29yOjEy");
    assertThat(back.skip()).isEqualTo(2);

    RunSplit bare = RunSplit.start(Samples.bareRun("r2"));
    assertThat(roundTrip(bare)).isEqualTo(bare);
    assertThat(roundTrip(bare).cursor()).isNull();
  }

  @Test
  void aVersionOneSplitWrittenEarlierIsStillRead() throws IOException {
    RunSplit split = RunSplitSerializer.INSTANCE.deserialize(1, HexFormat.of().parseHex(SPLIT_V1));
    assertThat(split.splitId()).isEqualTo("r12");
    assertThat(split.run().path().toString()).isEqualTo("acme/vision/r12");
    assertThat(split.run().displayName()).isEqualTo("sweep-r1-sweep");
    assertThat(split.run().tags()).containsExactly("best", "v2");
    assertThat(split.cursor()).isEqualTo("cursi%:123");
    assertThat(split.skip()).isEqualTo(3);
    assertThat(split.run().createdAt()).isEqualTo(Instant.parse("2025-01-28T16:00:16.493858890Z"));
    // Written again, byte for byte the same: version 1 is still what this code writes.
    assertThat(HexFormat.of().formatHex(RunSplitSerializer.INSTANCE.serialize(split)))
        .isEqualTo(SPLIT_V1);
  }

  @Test
  void anEnumeratorCheckpointOfVersionOneWrittenEarlierIsStillRead() throws IOException {
    EnumeratorState state =
        EnumeratorStateSerializer.INSTANCE.deserialize(1, HexFormat.of().parseHex(ENUMERATOR_V1));
    RunSplit r1 = RunSplitSerializer.INSTANCE.deserialize(1, HexFormat.of().parseHex(SPLIT_V1_R1));

    assertThat(state.listed()).isTrue();
    assertThat(state.pending()).containsExactly(r1);
    assertThat(state.assigned()).containsExactly("r2");
    assertThat(state.finished()).containsExactly("r0");
    assertThat(r1.run().path().toString()).isEqualTo("acme/vision/r1");
    assertThat(r1.run().displayName()).isEqualTo("r1-name");
    assertThat(r1.run().state()).isEqualTo("finished");
    assertThat(r1.run().createdAt()).isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
    assertThat(r1.run().tags()).containsExactly("v1");
    assertThat(r1.run().group()).isNull();
    assertThat(r1.cursor()).isEqualTo("Y3Vyc29yOjI=");
    assertThat(r1.skip()).isEqualTo(1);
    assertThat(HexFormat.of().formatHex(EnumeratorStateSerializer.INSTANCE.serialize(state)))
        .isEqualTo(ENUMERATOR_V1);
  }

  @Test
  void aVersionThisCodeDoesNotKnowIsRefusedWithTheVersionsNamed() {
    assertThatThrownBy(() -> RunSplitSerializer.INSTANCE.deserialize(2, new byte[0]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("version 2")
        .hasMessageContaining("reads version 1");
    assertThatThrownBy(() -> EnumeratorStateSerializer.INSTANCE.deserialize(7, new byte[0]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("version 7");
  }

  @Test
  void truncatedOrTrailingBytesAreAnErrorNotAWrongSplit() throws IOException {
    byte[] good = RunSplitSerializer.INSTANCE.serialize(new RunSplit(Samples.run("r1"), "c", 1));
    assertThatThrownBy(
            () -> RunSplitSerializer.INSTANCE.deserialize(1, Arrays.copyOf(good, good.length - 2)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> RunSplitSerializer.INSTANCE.deserialize(1, Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("after a run split");
  }

  @Test
  void theEnumeratorsCheckpointKeepsPendingAssignedAndFinishedRuns() throws IOException {
    EnumeratorState state =
        new EnumeratorState(
            List.of(RunSplit.start(Samples.run("p1")), new RunSplit(Samples.run("p2"), "c", 4)),
            Set.of("a1", "a2"),
            Set.of("f1"),
            true);
    EnumeratorStateSerializer s = EnumeratorStateSerializer.INSTANCE;
    EnumeratorState back = s.deserialize(s.getVersion(), s.serialize(state));
    assertThat(back).isEqualTo(state);
    assertThat(back.pending()).extracting(RunSplit::splitId).containsExactly("p1", "p2");
    assertThat(back.pending().get(1).skip()).isEqualTo(4);
    assertThat(back.assigned()).containsExactlyInAnyOrder("a1", "a2");
    assertThat(back.finished()).containsExactly("f1");
    assertThat(back.listed()).isTrue();

    EnumeratorState empty = EnumeratorState.empty();
    assertThat(s.deserialize(1, s.serialize(empty))).isEqualTo(empty);
  }

  @Test
  void recordsOfEachKindCrossFlinksNetworkIntact() throws IOException {
    RunMetadata run = Samples.run("r1");
    byte[] bytes = {1, 2, 3, 0, -1};
    List<WandbFileRecord> records =
        List.of(
            WandbFileRecord.metadata(run, Samples.file("a.json", 12)),
            WandbFileRecord.bytes(run, Samples.file("b.bin", 5), bytes),
            WandbFileRecord.downloaded(
                Samples.bareRun("r2"), Samples.file("c/d.bin", 1L << 33), "/data/r2/c/d.bin"));
    TypeSerializer<WandbFileRecord> s = new WandbFileRecordTypeInfo().createSerializer(null);
    for (WandbFileRecord r : records) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      s.serialize(r, out);
      WandbFileRecord back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
      assertThat(back).isEqualTo(r);
      assertThat(back.content()).isEqualTo(r.content());
      DataOutputSerializer copied = new DataOutputSerializer(64);
      s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
      assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }
    assertThat(s.deserialize(new DataInputDeserializer(serialized(s, records.get(1)))).bytes())
        .containsExactly(bytes);
    assertThat(s.snapshotConfiguration().restoreSerializer()).isEqualTo(s);
  }

  @Test
  void aRecordSaysWhatItCarriesAndItsStringNamesNoBytes() {
    WandbFileRecord meta = WandbFileRecord.metadata(Samples.run("r1"), Samples.file("a.json", 12));
    assertThatThrownBy(meta::bytes)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("acme/vision/r1:a.json carries METADATA");
    assertThatThrownBy(meta::path).isInstanceOf(IllegalStateException.class);
    byte[] secret = "s3cr3t-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    WandbFileRecord withBytes =
        WandbFileRecord.bytes(Samples.run("r1"), Samples.file("b", secret.length), secret);
    assertThat(withBytes.toString())
        .isEqualTo("WandbFileRecord{acme/vision/r1:b, 12 bytes, BYTES}")
        .doesNotContain("s3cr3t");
    byte[] copy = withBytes.bytes();
    copy[0] = 0;
    assertThat(withBytes.bytes()).isEqualTo(secret);
  }

  private static RunSplit roundTrip(RunSplit split) throws IOException {
    RunSplitSerializer s = RunSplitSerializer.INSTANCE;
    return s.deserialize(s.getVersion(), s.serialize(split));
  }

  private static byte[] serialized(TypeSerializer<WandbFileRecord> s, WandbFileRecord r)
      throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    s.serialize(r, out);
    return out.getCopyOfBuffer();
  }
}
