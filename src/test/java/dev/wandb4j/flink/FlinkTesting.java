package dev.wandb4j.flink;

import dev.wandb4j.emulator.RecordedRequest;
import dev.wandb4j.emulator.WandbEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** What the Flink source's tests share: quiet logs, connections to the emulator, wire counts. */
final class FlinkTesting {
  private FlinkTesting() {}

  /** Flink logs every step of a job at INFO; the tests' output keeps its warnings. */
  static void quietFlinkLogs() {
    for (String name : List.of("org.apache.flink", "org.apache.pekko", "akka")) {
      org.slf4j.Logger logger = LoggerFactory.getLogger(name);
      if (logger instanceof ch.qos.logback.classic.Logger) {
        ((ch.qos.logback.classic.Logger) logger).setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
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
