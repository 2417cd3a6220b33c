package dev.wandb4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wandb4j.emulator.EmulatedFile;
import dev.wandb4j.emulator.WandbEmulator;
import dev.wandb4j.spring.app.ProxyApplication;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The proxy holds a bounded amount of direct memory per response whatever the client's speed. A
 * separate JVM with 64 MiB of direct memory runs the proxy application; twenty clients that stop
 * reading hold their responses open while a fast client downloads the whole file; then every client
 * reads to the end and checks the MD5.
 */
class ProxyMemoryTest {
  static final long SIZE = 32L << 20;
  static final int SLOW = 20;
  static final long MAX_PER_SLOW_RESPONSE = 4L << 20;

  @Test
  void twentyStalledClientsAndAFastOneFitInSixtyFourMibOfDirectMemory() throws Exception {
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedFile file = emu.run("acme/proj/r1").addGeneratedFile("ckpt/big.bin", SIZE);
      String md5 = file.md5();
      Process child = startChild(emu);
      try (Child proxy = new Child(child)) {
        int port = proxy.port();
        String path = "/runs/acme/proj/r1/files/ckpt/big.bin";

        assertThat(download(port, path, 0, null)).isEqualTo(md5);
        long baseline = proxy.usedDirectMemory();

        CountDownLatch resume = new CountDownLatch(1);
        // A thread each: the common pool may have a single worker on a small machine.
        ExecutorService clients = Executors.newFixedThreadPool(SLOW);
        List<CompletableFuture<String>> slow = new ArrayList<>();
        AtomicLong stalled = new AtomicLong();
        for (int i = 0; i < SLOW; i++) {
          slow.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return download(port, path, 1 << 20, () -> pause(stalled, resume));
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  clients));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stalled.get() < SLOW && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(stalled.get()).as("clients that read 1 MiB and stopped").isEqualTo(SLOW);
        long held = proxy.settledDirectMemory();

        long start = System.nanoTime();
        assertThat(download(port, path, 0, null)).as("the fast client's MD5").isEqualTo(md5);
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = proxy.peakDirectMemory();

        resume.countDown();
        for (CompletableFuture<String> f : slow) {
          assertThat(f.get(120, TimeUnit.SECONDS)).as("a slow client's MD5").isEqualTo(md5);
        }
        clients.shutdown();
        long perResponse = Math.max(0, held - baseline) / SLOW;
        System.out.printf(
            Locale.ROOT,
            "direct memory: %.1f MiB idle, %.1f MiB with %d stalled responses (%.2f MiB each),"
                + " %.1f MiB peak; fast client %.0f MB/s%n",
            baseline / 1048576.0,
            held / 1048576.0,
            SLOW,
            perResponse / 1048576.0,
            peak / 1048576.0,
            SIZE / seconds / 1e6);
        assertThat(perResponse).isLessThanOrEqualTo(MAX_PER_SLOW_RESPONSE);
        assertThat(child.isAlive()).isTrue();
      }
    }
  }

  private static void pause(AtomicLong stalled, CountDownLatch resume) {
    stalled.incrementAndGet();
    try {
      if (!resume.await(90, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never resumed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Process startChild(WandbEmulator emu) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-XX:MaxDirectMemorySize=64m",
            "-cp",
            System.getProperty("java.class.path"),
            Child.Main.class.getName(),
            emu.baseUrl(),
            emu.apiKey())
        .redirectErrorStream(true)
        .start();
  }

  /**
   * GETs the file over a plain socket with a small receive buffer, digesting the body; after {@code
   * pauseAfter} bytes (if positive) it runs {@code pause} before reading on.
   */
  static String download(int port, String path, long pauseAfter, Runnable pause)
      throws IOException {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(64 * 1024);
      s.setSoTimeout(120_000);
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = readHead(in);
      if (!head.startsWith("HTTP/1.1 200")) {
        throw new IOException("unexpected answer: " + head);
      }
      MessageDigest md5 = md5();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      boolean paused = pauseAfter <= 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        md5.update(buf, 0, n);
        total += n;
        if (!paused && total >= pauseAfter) {
          paused = true;
          pause.run();
        }
      }
      if (total != SIZE) {
        throw new IOException("got " + total + " bytes of " + SIZE);
      }
      return Base64.getEncoder().encodeToString(md5.digest());
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        return sb.toString();
      }
    }
    throw new IOException("connection closed in the headers: " + sb);
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Talks to the proxy JVM: its port, and its direct memory on request. */
  static final class Child implements AutoCloseable {
    private final Process process;
    private final BufferedReader lines;
    private final PrintStream commands;
    private final StringBuilder log = new StringBuilder();

    Child(Process process) {
      this.process = process;
      this.lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    int port() throws IOException {
      return (int) answer("PORT");
    }

    long usedDirectMemory() throws IOException {
      commands.println("USED");
      return answer("USED");
    }

    long peakDirectMemory() throws IOException {
      commands.println("PEAK");
      return answer("PEAK");
    }

    /** The direct memory in use once it has stopped changing for half a second. */
    long settledDirectMemory() throws IOException, InterruptedException {
      long last = -1;
      for (int i = 0; i < 40; i++) {
        Thread.sleep(250);
        long now = usedDirectMemory();
        if (Math.abs(now - last) < (256 << 10)) {
          return now;
        }
        last = now;
      }
      return last;
    }

    private long answer(String key) throws IOException {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(key + " ")) {
          return Long.parseLong(line.substring(key.length() + 1).strip());
        }
        log.append(line).append('\n');
      }
      throw new IOException("the proxy JVM ended:\n" + log);
    }

    @Override
    public void close() {
      commands.println("EXIT");
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    /** The proxy JVM: the README's application, and a sampler of its direct memory. */
    public static final class Main {
      private static volatile long peak;

      public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext app =
            new SpringApplicationBuilder(ProxyApplication.class)
                .run(
                    "--server.port=0",
                    "--wandb.base-url=" + args[0],
                    "--wandb.api-key=" + args[1],
                    "--spring.main.banner-mode=off",
                    "--logging.level.root=WARN");
        Thread sampler =
            new Thread(
                () -> {
                  while (true) {
                    peak = Math.max(peak, used());
                    try {
                      Thread.sleep(2);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "direct-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        System.out.println("PORT " + app.getEnvironment().getProperty("local.server.port"));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null && !command.equals("EXIT")) {
          if (command.equals("USED")) {
            System.out.println("USED " + used());
          } else if (command.equals("PEAK")) {
            System.out.println("PEAK " + peak);
          }
        }
        app.close();
        System.exit(0);
      }

      /** Direct memory in use: Netty's own, and the JDK's direct buffers. */
      static long used() {
        long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        long jdk = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
          if (pool.getName().equals("direct")) {
            jdk = pool.getMemoryUsed();
          }
        }
        return netty + jdk;
      }

      private Main() {}
    }
  }
}
