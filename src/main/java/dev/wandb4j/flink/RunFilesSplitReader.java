package dev.wandb4j.flink;

import dev.wandb4j.DownloadOptions;
import dev.wandb4j.File;
import dev.wandb4j.FilePage;
import dev.wandb4j.FileQuery;
import dev.wandb4j.Run;
import dev.wandb4j.WandbClient;
import dev.wandb4j.error.WandbNotFoundException;
import dev.wandb4j.error.WandbTransferException;
import dev.wandb4j.internal.SafePaths;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Reads runs one after another on a reader's fetcher thread: lists a page of the run's files, asks
 * the selector about each, and fetches the selected ones a bounded chunk at a time, at most {@code
 * concurrency} at once, in listing order. Each fetch returns the records of one chunk with the
 * run's position after each record.
 *
 * <p>The listing and the transfers are Reactor pipelines on the client's event loops; this thread
 * waits for them, and stops waiting when Flink wakes it up (a new split, closing), keeping the
 * pipeline in flight for the next fetch. A pipeline that outlives the fetch timeout fails the
 * reader.
 *
 * <p>What W&amp;B no longer has is passed over with a warning rather than failing the job, which
 * would fail the same way after every restart: a run deleted after the enumerator listed it ends
 * with the files emitted so far, and a file deleted after its page was listed is not emitted.
 */
final class RunFilesSplitReader implements SplitReader<Fetched, RunSplit> {
  private static final Logger log = Loggers.getLogger(RunFilesSplitReader.class);

  /** Files whose content one fetch moves, per unit of concurrency. */
  static final int FILES_PER_FETCH_PER_SLOT = 4;

  private final WandbClient client;
  private final SourceSettings settings;
  private final FileQuery query;
  private final DownloadOptions downloads = DownloadOptions.builder().sync(true).build();
  private final Deque<RunSplit> splits = new ArrayDeque<>();

  /** The run being read, or {@code null}. */
  private RunSplit current;

  private Run run;

  /** The cursor the current page was listed after, or the next page will be. */
  private String cursor;

  /** Files to pass over at the start of the next page: what a restored position is behind. */
  private int skip;

  /** The current page, or {@code null} until it is listed. */
  private FilePage page;

  /** Positions in {@link #page} of the files the selector chose. */
  private List<Integer> selected;

  /** How many of {@link #selected} have been fetched. */
  private int next;

  /** Files of the current page that W&amp;B no longer had when they were fetched. */
  private int goneOnPage;

  /** The names of a page being listed again after files of it were found gone, or {@code null}. */
  private Set<String> relisted;

  private CompletableFuture<Optional<FilePage>> listing;
  private CompletableFuture<List<Optional<WandbFileRecord>>> work;
  private Disposable inFlight;
  private volatile CompletableFuture<Void> wake = new CompletableFuture<>();

  RunFilesSplitReader(WandbClient client, SourceSettings settings) {
    this.client = client;
    this.settings = settings;
    this.query = settings.fileQuery();
  }

  @Override
  public RecordsWithSplitIds<Fetched> fetch() throws IOException {
    RecordsBySplits.Builder<Fetched> out = new RecordsBySplits.Builder<>();
    while (true) {
      if (current == null && !startNextRun()) {
        return out.build();
      }
      if (page == null) {
        if (listing == null) {
          listing = start(listPage());
        }
        if (!await(listing)) {
          return out.build();
        }
        FilePage listed = result(listing).orElse(null);
        listing = null;
        if (listed == null) {
          finishRun(out);
          return out.build();
        }
        if (relisted != null) {
          skip = handledPrefix(listed, relisted);
          relisted = null;
        }
        if (skip > 0 && skip >= listed.files().size() && listed.hasNextPage()) {
          skip -= listed.files().size();
          cursor = listed.endCursor();
          continue;
        }
        usePage(listed);
      }
      if (next >= selected.size()) {
        if (page.hasNextPage()) {
          if (goneOnPage > 0) {
            // The page's end cursor is a position in a listing that still had the files found
            // gone: list after the page's own cursor again and pass over the files handled.
            relisted = new HashSet<>();
            page.files().forEach(f -> relisted.add(f.name()));
          } else {
            cursor = page.endCursor();
          }
          page = null;
          continue;
        }
        finishRun(out);
        return out.build();
      }
      int end = chunkEnd(next);
      if (work == null) {
        work = start(fetchChunk(next, end));
      }
      if (!await(work)) {
        return out.build();
      }
      List<Optional<WandbFileRecord>> fetched = result(work);
      work = null;
      for (int k = 0; k < fetched.size(); k++) {
        Optional<WandbFileRecord> record = fetched.get(k);
        if (record.isEmpty()) {
          goneOnPage++;
        } else {
          out.add(current.splitId(), positioned(record.get(), selected.get(next + k)));
        }
      }
      next = end;
      if (next >= selected.size() && !page.hasNextPage()) {
        finishRun(out);
      }
      return out.build();
    }
  }

  /**
   * The record with the run's position after it, the file at {@code i} of the page: past the page
   * after its last file, or {@code i + 1} files after the page's cursor. Files of the page found
   * gone before it are no longer listed there, and its end cursor counted them, so once one is gone
   * the position counts from the page's cursor without them.
   */
  private Fetched positioned(WandbFileRecord record, int i) {
    if (goneOnPage == 0 && i + 1 == page.files().size()) {
      return new Fetched(record, page.endCursor(), 0);
    }
    return new Fetched(record, cursor, i + 1 - goneOnPage);
  }

  /** How many files at the start of a page listed again were on the page handled before it. */
  private static int handledPrefix(FilePage listed, Set<String> handled) {
    int n = 0;
    while (n < listed.files().size() && handled.contains(listed.files().get(n).name())) {
      n++;
    }
    return n;
  }

  private boolean startNextRun() {
    current = splits.poll();
    if (current == null) {
      return false;
    }
    run = client.run(current.run().path());
    cursor = current.cursor();
    skip = current.skip();
    page = null;
    relisted = null;
    return true;
  }

  /** The next page of the run's files; none when the run is gone from W&amp;B. */
  private Mono<Optional<FilePage>> listPage() {
    RunMetadata meta = current.run();
    return run.filePages(query, cursor)
        .next()
        .map(Optional::of)
        .onErrorResume(
            WandbNotFoundException.class,
            e -> {
              log.warn(
                  "Run {} is no longer found; its files not emitted yet are passed over: {}",
                  meta.path(),
                  e.getMessage());
              return Mono.just(Optional.empty());
            });
  }

  private void usePage(FilePage listed) {
    page = listed;
    List<File> files = listed.files();
    selected = new ArrayList<>(files.size());
    // The selector is user code: it runs here, on the fetcher thread, never on an event loop.
    for (int i = Math.min(skip, files.size()); i < files.size(); i++) {
      if (settings.selector == null
          || settings.selector.select(current.run(), FileMetadata.of(files.get(i)))) {
        selected.add(i);
      }
    }
    skip = 0;
    next = 0;
    goneOnPage = 0;
  }

  private void finishRun(RecordsBySplits.Builder<Fetched> out) {
    out.addFinishedSplit(current.splitId());
    current = null;
    run = null;
    page = null;
    selected = null;
  }

  /**
   * Where the chunk that starts at {@code from} (a position in {@link #selected}) ends: files whose
   * content moves count against the concurrency and the bytes of a fetch; metadata costs nothing.
   */
  private int chunkEnd(int from) {
    int maxFiles = settings.concurrency * FILES_PER_FETCH_PER_SLOT;
    int files = 0;
    long bytes = 0;
    int end = from;
    while (end < selected.size()) {
      File f = page.files().get(selected.get(end));
      if (carriesBytes(f)) {
        if (files > 0 && (files == maxFiles || bytes + f.size() > settings.maxBytesPerFetch)) {
          break;
        }
        files++;
        bytes += f.size();
      } else if (settings.downloadTo != null) {
        if (files == maxFiles) {
          break;
        }
        files++;
      }
      end++;
    }
    return end;
  }

  private boolean carriesBytes(File f) {
    return settings.bytesUpTo > 0 && f.size() <= settings.bytesUpTo;
  }

  /** The records of the selected files from {@code from} to {@code to}, in listing order. */
  private Mono<List<Optional<WandbFileRecord>>> fetchChunk(int from, int to) {
    FilePage p = page;
    RunMetadata meta = current.run();
    List<Integer> positions = selected.subList(from, to);
    return Flux.fromIterable(new ArrayList<>(positions))
        .flatMapSequential(i -> fetchOne(meta, p.files().get(i)), settings.concurrency)
        .collectList();
  }

  /** The file's record; none if W&amp;B no longer has the file. */
  private Mono<Optional<WandbFileRecord>> fetchOne(RunMetadata meta, File f) {
    return fetchContent(meta, f)
        .map(Optional::of)
        .onErrorResume(
            WandbNotFoundException.class,
            e -> {
              log.warn(
                  "File {} of run {} was listed, then no longer found; it is passed over: {}",
                  SafePaths.printable(f.name()),
                  meta.path(),
                  e.getMessage());
              return Mono.just(Optional.empty());
            });
  }

  private Mono<WandbFileRecord> fetchContent(RunMetadata meta, File f) {
    FileMetadata m = FileMetadata.of(f);
    if (carriesBytes(f)) {
      return readBytes(f).map(b -> WandbFileRecord.bytes(meta, m, b));
    }
    if (settings.downloadTo != null) {
      return Mono.defer(() -> f.download(runFolder(meta), downloads))
          .map(path -> WandbFileRecord.downloaded(meta, m, path.toAbsolutePath().toString()));
    }
    return Mono.just(WandbFileRecord.metadata(meta, m));
  }

  private Path runFolder(RunMetadata meta) {
    Path root = Path.of(settings.downloadTo).toAbsolutePath().normalize();
    Path folder = root.resolve(meta.runId()).normalize();
    if (!folder.getParent().equals(root)) {
      throw new WandbTransferException(
          "Run ID '" + meta.runId() + "' cannot be a folder name under " + root);
    }
    return folder;
  }

  /** The file's bytes, checked against its size and MD5; every buffer released as it is copied. */
  private static Mono<byte[]> readBytes(File f) {
    return Mono.defer(
        () -> {
          ByteSink sink = new ByteSink(f);
          return f.content().doOnNext(sink::take).then(Mono.fromCallable(sink::finish));
        });
  }

  private <T> CompletableFuture<T> start(Mono<T> mono) {
    CompletableFuture<T> f = new CompletableFuture<>();
    inFlight =
        mono.timeout(settings.fetchTimeout)
            .subscribe(f::complete, f::completeExceptionally, () -> f.complete(null));
    return f;
  }

  /** Waits until the pipeline is done or Flink wakes this thread up. */
  private boolean await(CompletableFuture<?> f) throws IOException {
    if (!f.isDone()) {
      try {
        CompletableFuture.anyOf(f, wake).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while reading run " + current.run().path(), e);
      } catch (ExecutionException e) {
        // f failed: result() reports it.
      }
    }
    if (wake.isDone()) {
      wake = new CompletableFuture<>();
      if (!f.isDone()) {
        return false;
      }
    }
    return true;
  }

  private <T> T result(CompletableFuture<T> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      listing = null;
      work = null;
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException(
          "Reading the files of run " + current.run().path() + " failed: " + cause, cause);
    }
  }

  @Override
  public void handleSplitsChanges(SplitsChange<RunSplit> change) {
    if (change instanceof SplitsAddition) {
      splits.addAll(change.splits());
    }
  }

  @Override
  public void wakeUp() {
    wake.complete(null);
  }

  @Override
  public void close() {
    Disposable d = inFlight;
    if (d != null) {
      // Downloads remove their part files; buffers in flight are released by the client.
      d.dispose();
    }
    splits.clear();
  }

  /** Gathers a file's bytes into one array, hashing them as they come. */
  private static final class ByteSink {
    private final File file;
    private final byte[] bytes;
    private final MessageDigest md5;
    private int size;

    ByteSink(File file) {
      this.file = file;
      this.bytes = new byte[(int) file.size()];
      try {
        this.md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("This JVM has no MD5", e);
      }
    }

    void take(ByteBuf buf) {
      try {
        int n = buf.readableBytes();
        if (n > bytes.length - size) {
          throw new WandbTransferException(
              "File " + file + " sent more bytes than its size of " + bytes.length);
        }
        buf.getBytes(buf.readerIndex(), bytes, size, n);
        md5.update(bytes, size, n);
        size += n;
      } finally {
        buf.release();
      }
    }

    byte[] finish() {
      if (size != bytes.length) {
        throw new WandbTransferException(
            "File " + file + " ended after " + size + " of its " + bytes.length + " bytes");
      }
      String expected = file.md5();
      if (expected != null && !expected.isEmpty()) {
        String actual = Base64.getEncoder().encodeToString(md5.digest());
        if (!actual.equals(expected)) {
          throw new WandbTransferException(
              "File " + file + " has MD5 " + actual + ", but W&B lists " + expected);
        }
      }
      return bytes;
    }
  }
}
