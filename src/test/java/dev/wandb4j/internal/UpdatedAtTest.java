package dev.wandb4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the {@code updatedAt} W&amp;B sends becomes an instant. */
class UpdatedAtTest {
  @Test
  void aTimeWithoutOffsetIsUtc() {
    assertThat(FilesApi.parseInstant("2026-11-26T10:15:30"))
        .isEqualTo(Instant.parse("2026-11-26T10:15:30Z"));
    assertThat(FilesApi.parseInstant("2026-02-28T23:59:59"))
        .isEqualTo(Instant.parse("2026-02-28T23:59:59Z"));
    assertThat(FilesApi.parseInstant("2026-11-26T10:15:30.123456"))
        .isEqualTo(Instant.parse("2026-11-26T10:15:30.123456Z"));
  }

  @Test
  void aTimeWithAnOffsetKeepsIt() {
    assertThat(FilesApi.parseInstant("2026-11-26T10:15:30Z"))
        .isEqualTo(Instant.parse("2026-11-26T10:15:30Z"));
    assertThat(FilesApi.parseInstant("2026-11-26T10:15:30+02:00"))
        .isEqualTo(Instant.parse("2026-11-26T08:15:30Z"));
    assertThat(FilesApi.parseInstant("2026-11-26T10:15:30-05:00"))
        .isEqualTo(Instant.parse("2026-11-26T15:15:30Z"));
  }

  @Test
  void anUnreadableTimeIsAbsentRatherThanAnError() {
    assertThat(FilesApi.parseInstant(null)).isNull();
    assertThat(FilesApi.parseInstant(" ")).isNull();
    assertThat(FilesApi.parseInstant("yesterday")).isNull();
    assertThat(FilesApi.parseInstant("2026-13-45T99:00:00")).isNull();
    assertThat(FilesApi.parseInstant("2026-11-26")).isNull();
    assertThat(FilesApi.parseInstant("2026-02-30T10:15:30")).isNull();
    assertThat(FilesApi.parseInstant("2026-11-26T1a:15:30")).isNull();
    assertThat(FilesApi.parseInstant("+026-11-26T10:15:30")).isNull();
  }
}
