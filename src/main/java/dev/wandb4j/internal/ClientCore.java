package dev.wandb4j.internal;

import reactor.core.publisher.Mono;

/**
 * Everything a client's runs and files share: HTTP, GraphQL, the Files API, downloads and uploads.
 * Internal.
 */
public final class ClientCore {
  private final HttpCore http;
  private final FilesApi files;
  private final RunsApi runs;
  private final Downloader downloader;
  private final Uploads uploads;
  private final Transfers transfers = new Transfers();

  /**
   * Creates the client's core.
   *
   * @param http the HTTP layer
   * @param budget the memory its transfers share; the same that caps the HTTP layer's reads
   */
  public ClientCore(HttpCore http, TransferBudget budget) {
    this.http = http;
    GraphQlClient gql = new GraphQlClient(http);
    this.files = new FilesApi(gql, http.settings().events());
    this.runs = new RunsApi(gql);
    this.downloader = new Downloader(http, budget, transfers);
    this.uploads = new Uploads(http, files, new UploadUrls(gql, http), budget, transfers);
  }

  public Downloader downloader() {
    return downloader;
  }

  public Uploads uploads() {
    return uploads;
  }

  public HttpCore http() {
    return http;
  }

  public FilesApi files() {
    return files;
  }

  public RunsApi runs() {
    return runs;
  }

  public void ensureOpen() {
    http.ensureOpen();
  }

  /**
   * Stops the transfers in flight, waits until each has removed its part file, then releases what
   * the HTTP layer created.
   */
  public Mono<Void> closeAsync() {
    http.refuseNew();
    return transfers.close().then(Mono.defer(http::closeAsync));
  }
}
