import dev.wandb4j.FileQuery;
import dev.wandb4j.WandbClient;
import dev.wandb4j.emulator.EmulatedRun;
import dev.wandb4j.emulator.WandbEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists a run of N files through wandb4j and, as the measure of what the server itself costs,
 * through a bare loop that posts the same page queries and only extracts the next cursor.
 * Prints one Markdown row per setting. Args: files, repetitions.
 */
public final class ListingBench {
  private static final Pattern END = Pattern.compile("\"endCursor\":\"([^\"]+)\"");
  private static final Pattern NEXT = Pattern.compile("\"hasNextPage\":(true|false)");

  public static void main(String[] args) throws Exception {
    int files = Integer.parseInt(args[0]);
    int reps = Integer.parseInt(args[1]);
    try (WandbEmulator emu = WandbEmulator.start()) {
      EmulatedRun run = emu.run("acme/bench/list");
      byte[] one = {1};
      for (int i = 0; i < files; i++) {
        run.addFile("media/images/sample_" + i + ".png", one);
      }
      String query = new String(
          ListingBench.class.getResourceAsStream("/dev/wandb4j/graphql/RunFiles.graphql").readAllBytes(),
          StandardCharsets.UTF_8);
      HttpClient bare = HttpClient.newHttpClient();
      try (WandbClient client = emu.client()) {
        System.out.println("| files | perPage | GraphQL latency | pages | bare loop s | wandb4j s | wandb4j / bare | bound: 1.2 x bare, or 1.1 x pages x latency + bare without latency |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        java.util.Map<Integer, Double> serve = new java.util.HashMap<>();
        for (int latency : new int[] {0, 20}) {
          for (int perPage : new int[] {50, 1000}) {
            emu.faults().graphQlLatency(Duration.ofMillis(latency));
            List<Double> b = new ArrayList<>();
            List<Double> w = new ArrayList<>();
            int pages = 0;
            for (int r = 0; r < reps + 1; r++) {
              long s = System.nanoTime();
              pages = bareLoop(bare, emu, query, perPage);
              double bs = (System.nanoTime() - s) / 1e9;
              s = System.nanoTime();
              long n = client.run("acme/bench/list").files(FileQuery.builder().perPage(perPage).build()).count().block();
              double ws = (System.nanoTime() - s) / 1e9;
              if (n != files) {
                throw new IllegalStateException("listed " + n);
              }
              if (r > 0) { // the first round warms both up
                b.add(bs);
                w.add(ws);
              }
            }
            double bm = median(b);
            double wm = median(w);
            if (latency == 0) {
              serve.put(perPage, bm);
            }
            double bound = latency == 0 ? 1.2 * bm : 1.1 * pages * latency / 1000.0 + serve.get(perPage);
            System.out.printf("| %d | %d | %d ms | %d | %.2f | %.2f | %.2f | %.2f s: %s |%n", files, perPage, latency, pages, bm, wm, wm / bm,
                bound, wm <= bound ? "met" : "missed");
          }
        }
      }
    }
  }

  /** Posts the page queries one after another, extracting only the cursor. Returns pages. */
  private static int bareLoop(HttpClient http, WandbEmulator emu, String query, int perPage) throws Exception {
    String auth = "Basic " + Base64.getEncoder().encodeToString(("api:" + emu.apiKey()).getBytes(StandardCharsets.UTF_8));
    String cursor = null;
    int pages = 0;
    while (true) {
      String vars = "{\"project\":\"bench\",\"entity\":\"acme\",\"name\":\"list\",\"fileLimit\":" + perPage
          + ",\"fileCursor\":" + (cursor == null ? "null" : "\"" + cursor + "\"") + "}";
      String body = "{\"query\":" + quote(query) + ",\"variables\":" + vars + "}";
      HttpResponse<String> res = http.send(
          HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/graphql")).header("Authorization", auth)
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      pages++;
      Matcher next = NEXT.matcher(res.body());
      Matcher end = END.matcher(res.body());
      if (!next.find() || next.group(1).equals("false") || !end.find()) {
        return pages;
      }
      cursor = end.group(1);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private ListingBench() {}
}
