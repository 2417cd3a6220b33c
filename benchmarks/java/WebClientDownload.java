import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Spring WebClient (Reactor Netty connector) streaming DataBuffers into DataBufferUtils.write,
 * flatMap concurrency N: the canonical reactive way. Args: url list, out, N.
 */
public final class WebClientDownload {
  public static void main(String[] args) throws Exception {
    List<String> urls = Files.readAllLines(Path.of(args[0]));
    Path out = Path.of(args[1]);
    int n = Integer.parseInt(args[2]);
    ConnectionProvider pool = ConnectionProvider.create("bench", Math.max(n, 1));
    WebClient web =
        WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
            .build();
    Flux.fromIterable(urls)
        .flatMap(
            url -> {
              Path target = out.resolve(url.substring(url.lastIndexOf('/') + 1));
              Flux<DataBuffer> body = web.get().uri(url).retrieve().bodyToFlux(DataBuffer.class);
              return DataBufferUtils.write(
                  body, target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            },
            n)
        .blockLast();
    pool.disposeLater().block();
  }

  private WebClientDownload() {}
}
