package dev.wandb4j.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(WandbEmulatorExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WandbEmulatorExtensionTest {
  private static WandbEmulator first;

  @Test
  @Order(1)
  void injectsARunningEmulator(WandbEmulator emu) {
    first = emu;
    emu.run("acme/proj/r1").addFile("a.txt", new byte[] {1, 2});
    assertThat(emu.client().run("acme/proj/r1").fileCount().block(Duration.ofSeconds(10)))
        .isEqualTo(1L);
    emu.faults().failNext(100, 503);
  }

  @Test
  @Order(2)
  void keepsTheSameEmulatorForTheClassButClearsFaultsAndTheLog(WandbEmulator emu) {
    assertThat(emu).isSameAs(first);
    assertThat(emu.requests()).isEmpty();
    assertThat(emu.client().run("acme/proj/r1").fileCount().block(Duration.ofSeconds(10)))
        .isEqualTo(1L);
    assertThat(emu.requests()).hasSize(1);
  }
}
