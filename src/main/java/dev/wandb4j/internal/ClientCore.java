package dev.wandb4j.internal;

import reactor.core.publisher.Mono;

/** Everything a client's runs and files share: HTTP, GraphQL, the Files API. Internal. */
public final class ClientCore {
  private final HttpCore http;
  private final FilesApi files;
  private final Downloader downloader;

  public ClientCore(HttpCore http) {
    this.http = http;
    this.files = new FilesApi(new GraphQlClient(http), http.settings().events());
    this.downloader = new Downloader(http);
  }

  public Downloader downloader() {
    return downloader;
  }

  public HttpCore http() {
    return http;
  }

  public FilesApi files() {
    return files;
  }

  public void ensureOpen() {
    http.ensureOpen();
  }

  public Mono<Void> closeAsync() {
    return http.closeAsync();
  }
}
