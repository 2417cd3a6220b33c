package dev.wandb4j.flink;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** What the Flink source's tests share: quiet logs, connections to the emulator, wire counts. */
final class FlinkTesting {
  private FlinkTesting() {}

  /** Sets a logger's level, or lets it inherit its parent's with {@code null}. */
  static void logLevel(String name, ch.qos.logback.classic.Level level) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(level);
  }

  /** Flink logs every step of a job at INFO; the tests' output keeps its warnings. */
  static void quietFlinkLogs() {
    for (String name : List.of("org.apache.flink", "org.apache.pekko", "akka")) {
      org.slf4j.Logger logger = LoggerFactory.getLogger(name);
      if (logger instanceof ch.qos.logback.classic.Logger) {
        ((ch.qos.logback.classic.Logger) logger).setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }

  /**
   * Keeps every event logged through a logger (the root logger for all of them), with its
   * throwable's stack trace, from its creation until it is closed.
   */
  static final class LogCapture implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture(String loggerName) {
      logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(loggerName);
      appender.start();
      logger.addAppender(appender);
    }

    /** Each event as a line: level, logger, message, then its throwable's stack trace, if any. */
    List<String> events() {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : List.copyOf(appender.list)) {
        String line = e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage();
        if (e.getThrowableProxy() != null) {
          line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
        }
        out.add(line);
      }
      return out;
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
      appender.stop();
    }
  }

  /** The forms in which an API key could leak: itself, and the Basic credentials it makes. */
  static List<String> keyForms(String key) {
    return List.of(
        key, Base64.getEncoder().encodeToString(("api:" + key).getBytes(StandardCharsets.UTF_8)));
  }

  /** A connection to the emulator with quick retries. */
  static WandbConnection connection(WandbEmulator emu) {
    return WandbConnection.builder()
        .baseUrl(emu.baseUrl())
        .apiKey(emu.apiKey())
        .maxRetries(3)
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .timeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(10))
        .build();
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static List<RecordedRequest> graphQl(WandbEmulator emu, String operation) {
    return emu.requests().stream()
        .filter(r -> operation.equals(r.operationName()))
        .collect(Collectors.toList());
  }

  /** The file downloads of a run: the API's {@code /files/...} requests, which redirect. */
  static List<String> fileGets(List<RecordedRequest> requests, String runPath) {
    String prefix = "/files/" + runPath + "/";
    Predicate<RecordedRequest> get =
        r -> r.server().equals("api") && r.method().equals("GET") && r.path().startsWith(prefix);
    return requests.stream()
        .filter(get)
        .map(r -> r.path().substring(prefix.length()))
        .collect(Collectors.toList());
  }
}
