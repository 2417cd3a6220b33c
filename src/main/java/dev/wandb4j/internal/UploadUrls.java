package dev.wandb4j.internal;

import dev.wandb4j.RunPath;
import dev.wandb4j.error.WandbException;
import dev.wandb4j.error.WandbGraphQlException;
import dev.wandb4j.error.WandbNotFoundException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Signed upload URLs for names of a run, as W&amp;B's SDK gets them: from the {@code
 * createRunFiles} mutation where the server has it, else from the legacy {@code RunUploadUrls}
 * query. Which one is learnt once per client, by asking the server for the names of its mutations;
 * a failed probe is not remembered, so the next request asks again. Internal.
 */
public final class UploadUrls {
  /** Names per request: {@value}. */
  public static final int MAX_BATCH = 100;

  private final GraphQlClient gql;
  private final HttpCore http;
  private final Mono<Boolean> hasCreateRunFiles;

  UploadUrls(GraphQlClient gql, HttpCore http) {
    this.gql = gql;
    this.http = http;
    this.hasCreateRunFiles =
        gql.execute(
                Operation.PROBE_SERVER_MUTATIONS,
                Map.of(),
                Dtos.MutationFieldsData.class,
                "the server's mutations")
            .map(data -> data.names().contains("createRunFiles"))
            .cache(v -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /** Upload URLs for some names of a run, and the headers every PUT must carry. */
  public record Batch(List<String[]> headers, Map<String, URI> urls) {}

  /**
   * Upload URLs for names of a run.
   *
   * @param run the run, which must exist
   * @param names at most {@link #MAX_BATCH} names, each checked already
   * @return a URL for each name; {@link WandbNotFoundException} if the run does not exist, a {@link
   *     WandbException} if the server leaves a name out or gives a URL that is not http(s)
   */
  public Mono<Batch> forNames(RunPath run, List<String> names) {
    if (names.isEmpty() || names.size() > MAX_BATCH) {
      throw new IllegalArgumentException("between 1 and " + MAX_BATCH + " names: " + names.size());
    }
    String what = "upload URLs for " + count(names) + " of run " + run;
    return hasCreateRunFiles
        .flatMap(current -> current ? createRunFiles(run, names, what) : legacy(run, names, what))
        .map(data -> toBatch(run, names, data));
  }

  /**
   * {@code createRunFiles} is a mutation, which the transport sends once; asking again for the same
   * names only hands out their URLs again, so it is retried here like a query.
   */
  private Mono<Dtos.UploadUrlsData> createRunFiles(RunPath run, List<String> names, String what) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("entity", run.entity());
    vars.put("project", run.project());
    vars.put("run", run.runId());
    vars.put("files", names);
    return http.withRetries(
            gql.execute(Operation.CREATE_RUN_FILES, vars, Dtos.UploadUrlsData.class, what), what)
        .onErrorMap(UploadUrls::isRunMissing, e -> runMissing(run, e));
  }

  /**
   * Whether {@code createRunFiles} was refused because the run does not exist: the mutation has no
   * null to answer with, so W&amp;B says so in an error.
   */
  private static boolean isRunMissing(Throwable e) {
    if (!(e instanceof WandbGraphQlException)) {
      return false;
    }
    for (WandbGraphQlException.Error error : ((WandbGraphQlException) e).errors()) {
      String m = error.message() == null ? "" : error.message().toLowerCase(Locale.ROOT);
      if (m.contains("not found") || m.contains("does not exist")) {
        return true;
      }
    }
    return false;
  }

  private static WandbNotFoundException runMissing(RunPath run, Throwable cause) {
    return new WandbNotFoundException(
        "Run "
            + run
            + " not found, or the API key has no access to it: files can be uploaded only to a"
            + " run that exists",
        cause);
  }

  private Mono<Dtos.UploadUrlsData> legacy(RunPath run, List<String> names, String what) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("name", run.project());
    vars.put("entity", run.entity());
    vars.put("run", run.runId());
    vars.put("files", names);
    vars.put("description", null);
    return gql.execute(Operation.RUN_UPLOAD_URLS, vars, Dtos.UploadUrlsData.class, what);
  }

  private static Batch toBatch(RunPath run, List<String> names, Dtos.UploadUrlsData data) {
    if (!data.runFound()) {
      throw runMissing(run, null);
    }
    List<String[]> headers = new ArrayList<>();
    for (String h : data.uploadHeaders()) {
      int colon = h == null ? -1 : h.indexOf(':');
      if (colon <= 0) {
        throw new WandbException(
            "W&B gave an upload header that is not Name:Value for run " + run, null, false);
      }
      headers.add(new String[] {h.substring(0, colon).strip(), h.substring(colon + 1).strip()});
    }
    Map<String, URI> given = new HashMap<>();
    for (String[] nameAndUrl : data.urls()) {
      if (nameAndUrl[0] != null && nameAndUrl[1] != null) {
        given.put(nameAndUrl[0], parse(nameAndUrl[1], nameAndUrl[0], run));
      }
    }
    Map<String, URI> urls = new LinkedHashMap<>();
    for (String name : names) {
      URI url = given.get(name);
      if (url == null) {
        throw new WandbException(
            "W&B gave no upload URL for file '"
                + SafePaths.printable(name)
                + "' of run "
                + run
                + "; try again",
            null,
            true);
      }
      urls.put(name, url);
    }
    return new Batch(List.copyOf(headers), urls);
  }

  private static URI parse(String url, String name, RunPath run) {
    try {
      URI uri = URI.create(url.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new WandbException(
        "W&B gave an upload URL for file '"
            + SafePaths.printable(name)
            + "' of run "
            + run
            + " that is not an absolute http(s) URL",
        null,
        false);
  }

  private static String count(List<String> names) {
    return names.size() == 1
        ? "file '" + SafePaths.printable(names.get(0)) + "'"
        : names.size() + " files";
  }
}
