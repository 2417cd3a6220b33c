package dev.wandb4j.emulator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs one {@link WandbEmulator} per test class and injects it into test
 * methods, constructors and lifecycle methods. Before each test its faults are cleared and its
 * request log emptied; runs and files stay for the whole class.
 *
 * <pre>{@code
 * @ExtendWith(WandbEmulatorExtension.class)
 * class MyServiceTest {
 *   @Test
 *   void downloadsTheCheckpoint(WandbEmulator emu) {
 *     emu.run("acme/demo/r1").addGeneratedFile("model.ckpt", 1 << 20);
 *     ... new MyService(emu.client()) ...
 *   }
 * }
 * }</pre>
 */
public final class WandbEmulatorExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(WandbEmulatorExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    WandbEmulator emu = emulator(context);
    emu.faults().clear();
    emu.clearRequests();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    WandbEmulator emu = context.getStore(NAMESPACE).remove("emulator", WandbEmulator.class);
    if (emu != null) {
      emu.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == WandbEmulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return emulator(context);
  }

  private static WandbEmulator emulator(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getParent().isPresent() && classContext.getTestMethod().isPresent()) {
      classContext = classContext.getParent().get();
    }
    ExtensionContext.Store store = classContext.getStore(NAMESPACE);
    synchronized (WandbEmulatorExtension.class) {
      WandbEmulator emu = store.get("emulator", WandbEmulator.class);
      if (emu == null) {
        emu = WandbEmulator.start();
        store.put("emulator", emu);
      }
      return emu;
    }
  }
}
