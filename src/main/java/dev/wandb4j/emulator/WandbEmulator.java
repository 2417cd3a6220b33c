package dev.wandb4j.emulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wandb4j.RunPath;
import dev.wandb4j.WandbClient;
import dev.wandb4j.internal.ByteRanges;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A local W&amp;B-compatible server for tests, demos and benchmarks: the GraphQL Files API
 * (executed by graphql-java over W&amp;B's schema), authenticated file URLs that redirect to a
 * signed storage endpoint on a second port, and scripted faults. It takes writes as W&amp;B does:
 * uploads through signed URLs from {@code createRunFiles} (or the legacy {@code RunUploadUrls}),
 * and runs written by W&amp;B's own SDKs ({@code Viewer}, {@code upsertBucket}, {@code
 * file_stream}), whose summary and console output become the run files {@code wandb-summary.json}
 * and {@code output.log}; what it receives is listed and downloadable at once.
 *
 * <pre>{@code
 * try (WandbEmulator emu = WandbEmulator.start()) {
 *   emu.run("acme/demo/r1").addFile("media/a.png", bytes);
 *   List<File> files = emu.client().run("acme/demo/r1").files().collectList().block();
 * }
 * }</pre>
 *
 * <p>Both endpoints listen on ephemeral loopback ports. The storage endpoint checks each URL's
 * signature and expiry, refuses any request that carries an {@code Authorization} header (as S3
 * does), and supports {@code Range}, {@code If-Range} and {@code ETag}; files on disk are sent with
 * {@code sendfile}, generated content from direct buffers. Every request is recorded for tests to
 * assert on.
 *
 * <p>The emulator runs on event loops of its own ({@code wandb4j-emulator-*} threads), so that it
 * never shares them with the client under test, and does everything that may take time off those
 * loops, on worker threads of its own: GraphQL execution, MD5 digests (computed once per file, on
 * first use) and reads of files on disk. Both are stopped by {@link #close()}.
 *
 * <p>Needs graphql-java ({@code com.graphql-java:graphql-java}) on the class path, an optional
 * dependency of wandb4j: starting without it fails with an {@link IllegalStateException} that names
 * the dependency and its version.
 */
public final class WandbEmulator implements AutoCloseable {
  /** The API key the emulator accepts unless another is configured. */
  public static final String DEFAULT_API_KEY = "emulator0000000000000000000000000000000000";

  /** How long a signed storage URL stays valid: one hour. */
  public static final Duration URL_LIFETIME = Duration.ofHours(1);

  /**
   * The entity of the emulator's user (its {@code viewer}): where W&amp;B's SDKs put runs that name
   * no entity.
   */
  public static final String DEFAULT_ENTITY = "emulator";

  /** The largest {@code file_stream} request body the emulator reads: 64 MiB. */
  static final int MAX_FILE_STREAM_BYTES = 64 << 20;

  private static final int MAX_LOG = 200_000;
  private final java.util.concurrent.atomic.AtomicInteger logged =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern OPERATION =
      java.util.regex.Pattern.compile("\\b(?:query|mutation)\\s+([_A-Za-z][_0-9A-Za-z]*)");

  private final String apiKey;
  private final String expectedAuthorization;
  private final Signer signer = new Signer();
  private final Faults faults = new Faults();
  private final Faults uploadFaults = new Faults();
  private final List<String> uploadHeaders;
  private final boolean createRunFiles;
  private final Map<String, Project> projects = new ConcurrentHashMap<>();
  private final Map<Long, EmulatedFile> byId = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong projectIds = new AtomicLong(40853574);
  private final AtomicLong runsCreated = new AtomicLong();
  private final ConcurrentLinkedDeque<RecordedRequest> log = new ConcurrentLinkedDeque<>();
  private final List<Path> directories = new CopyOnWriteArrayList<>();
  private final ReceivedFiles received = new ReceivedFiles(directories);
  private final LoopResources loops;
  private final Scheduler workers;
  private final Scheduler digests;
  private final GraphQlEndpoint graphQl;
  private final DisposableServer storage;
  private final DisposableServer api;
  private volatile WandbClient client;

  private WandbEmulator(Builder b) {
    requireGraphQlJava();
    this.apiKey = b.apiKey;
    this.uploadHeaders = List.copyOf(b.uploadHeaders);
    this.createRunFiles = b.createRunFiles;
    this.expectedAuthorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("api:" + apiKey).getBytes(StandardCharsets.UTF_8));
    this.graphQl = new GraphQlEndpoint(this);
    this.loops = LoopResources.create("wandb4j-emulator", 1, LOOP_THREADS, true);
    this.workers =
        Schedulers.newBoundedElastic(
            WORKER_THREADS, Integer.MAX_VALUE, "wandb4j-emulator-worker", 60, true);
    this.digests =
        Schedulers.newBoundedElastic(
            DIGEST_THREADS, Integer.MAX_VALUE, "wandb4j-emulator-digest", 60, true);
    DisposableServer storageServer = null;
    DisposableServer apiServer;
    try {
      storageServer =
          HttpServer.create()
              .runOn(loops)
              .host(b.host)
              .port(0)
              .handle((req, res) -> delayed(req, res, this::storage))
              .bindNow(Duration.ofSeconds(10));
      apiServer =
          HttpServer.create()
              .runOn(loops)
              .host(b.host)
              .port(b.port)
              .handle((req, res) -> delayed(req, res, this::api))
              .bindNow(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      if (storageServer != null) {
        storageServer.disposeNow();
      }
      stopThreads();
      throw e;
    }
    this.storage = storageServer;
    this.api = apiServer;
    if (b.directory != null) {
      serveDirectory(b.directory);
    }
  }

  private static final int LOOP_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
  private static final int WORKER_THREADS = 10 * Runtime.getRuntime().availableProcessors();
  private static final int DIGEST_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  /**
   * Fails with a message that says what to add when graphql-java, an optional dependency of
   * wandb4j, is not on the class path, instead of a bare {@link NoClassDefFoundError} later.
   */
  static void requireGraphQlJava() {
    requireGraphQlJava(WandbEmulator.class.getClassLoader());
  }

  static void requireGraphQlJava(ClassLoader loader) {
    try {
      Class.forName("graphql.GraphQL", false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "The W&B emulator needs graphql-java on the class path, an optional dependency of"
              + " wandb4j: add com.graphql-java:graphql-java:"
              + graphQlJavaVersion()
              + " to your (test) dependencies",
          e);
    }
  }

  /** The graphql-java version wandb4j was built and tested with. */
  static String graphQlJavaVersion() {
    try (InputStream in = WandbClient.class.getResourceAsStream("version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("graphql-java.version", "26.0");
    } catch (IOException e) {
      return "26.0";
    }
  }

  /**
   * Starts an emulator on ephemeral loopback ports with {@link #DEFAULT_API_KEY}.
   *
   * @return the running emulator; close it when done
   */
  public static WandbEmulator start() {
    return builder().start();
  }

  /**
   * Starts configuring an emulator.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The API base URL, e.g. {@code http://127.0.0.1:41234}.
   *
   * @return the URL for {@code WandbClient.builder().baseUrl(...)} or {@code WANDB_BASE_URL}
   */
  public String baseUrl() {
    return "http://" + api.host() + ":" + api.port();
  }

  /**
   * The storage endpoint's base URL.
   *
   * @return the URL signed file URLs point to
   */
  public String storageUrl() {
    return "http://" + storage.host() + ":" + storage.port();
  }

  /**
   * The API key the emulator accepts.
   *
   * @return the key
   */
  public String apiKey() {
    return apiKey;
  }

  /**
   * A client for this emulator, created on first use and closed with the emulator.
   *
   * @return the shared client
   */
  public synchronized WandbClient client() {
    if (client == null) {
      client = clientBuilder().build();
    }
    return client;
  }

  /**
   * A client builder with this emulator's base URL and key set, for clients with other settings.
   * The caller closes what it builds.
   *
   * @return a builder
   */
  public WandbClient.Builder clientBuilder() {
    return WandbClient.builder().baseUrl(baseUrl()).apiKey(apiKey);
  }

  /**
   * A run, created (with its project) if it does not exist yet.
   *
   * @param path a run path in any form {@link RunPath#parse(String)} accepts
   * @return the run
   */
  public EmulatedRun run(String path) {
    RunPath p = RunPath.parse(path);
    Project project =
        projects.computeIfAbsent(
            p.entity() + "/" + p.project(),
            k -> new Project(this, p.entity(), p.project(), projectIds.incrementAndGet()));
    return project.runs.computeIfAbsent(
        p.runId(), id -> new EmulatedRun(this, p, project.id, runsCreated.incrementAndGet()));
  }

  /**
   * Removes a run with its files, as deleting it in W&amp;B does: listings no longer show it, a
   * query for it finds no run, and its files' URLs answer 404. A run served from a directory loses
   * its files there too, as {@link EmulatedRun#removeFile} does, and is found again, empty, while
   * its folder is there.
   *
   * @param path a run path in any form {@link RunPath#parse(String)} accepts
   * @return whether it was there
   */
  public boolean removeRun(String path) {
    RunPath p = RunPath.parse(path);
    Project project = projects.get(p.entity() + "/" + p.project());
    EmulatedRun run = project == null ? null : project.runs.remove(p.runId());
    if (run == null) {
      return false;
    }
    for (EmulatedFile f : run.files()) {
      run.removeFile(f.name());
    }
    return true;
  }

  /**
   * Faults that apply to every request.
   *
   * @return the global faults
   */
  public Faults faults() {
    return faults;
  }

  /**
   * Faults that apply to uploads (PUTs to signed upload URLs) only: {@link Faults#failNext} answers
   * them with an error status after reading the body, {@link Faults#resetAfter} closes the
   * connection once that many body bytes have arrived, {@link Faults#corruptByte} stores the file
   * with that byte flipped (as if it was damaged on the way), {@link Faults#expireSignedUrls}
   * refuses their URLs as expired, and {@link Faults#throttle} reads their bodies no faster than
   * that rate (as a slow link to storage would).
   *
   * @return the upload faults
   */
  public Faults uploadFaults() {
    return uploadFaults;
  }

  /**
   * The headers every upload must carry, as {@code createRunFiles} and {@code RunUploadUrls} hand
   * them out ({@code "Name:Value"}).
   *
   * @return the headers; empty unless configured
   */
  public List<String> uploadHeaders() {
    return uploadHeaders;
  }

  boolean hasCreateRunFiles() {
    return createRunFiles;
  }

  ReceivedFiles received() {
    return received;
  }

  /** A run, created (with its project) if it does not exist yet. */
  EmulatedRun run(RunPath p) {
    return run(p.entity() + "/" + p.project() + "/" + p.runId());
  }

  /**
   * The requests received so far, oldest first.
   *
   * @return a snapshot
   */
  public List<RecordedRequest> requests() {
    return new ArrayList<>(log);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    log.clear();
    logged.set(0);
  }

  /**
   * Serves a directory laid out as {@code entity/project/run/<file path>}, live: every request that
   * names a run looks at the run's folder again, so files added, changed or removed there since are
   * served as they are now. Deleting a file that is served from the directory (the {@code
   * deleteFiles} mutation, or {@link EmulatedRun#removeFile}) deletes it from the directory too.
   *
   * @param root the directory
   */
  public void serveDirectory(Path root) {
    Path dir = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("Not a directory: " + root);
    }
    directories.add(dir);
    try (Stream<Path> entities = Files.list(dir)) {
      for (Path entity : entities.filter(Files::isDirectory).toList()) {
        try (Stream<Path> projectDirs = Files.list(entity)) {
          for (Path project : projectDirs.filter(Files::isDirectory).toList()) {
            try (Stream<Path> runs = Files.list(project)) {
              for (Path run : runs.filter(Files::isDirectory).toList()) {
                syncRun(
                    run(
                        entity.getFileName()
                            + "/"
                            + project.getFileName()
                            + "/"
                            + run.getFileName()));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Brings the files of these names in line with the run's folders, each looked at on its own: a
   * lookup by name (as an upload's check asks for) costs what it names, not a read of the whole
   * folder.
   */
  void syncNames(EmulatedRun run, Collection<String> names) {
    if (directories.isEmpty()) {
      return;
    }
    Set<String> scope = new HashSet<>(names);
    synchronized (run) {
      for (Path root : directories) {
        Path dir = folderOf(root, run.path());
        if (dir == null) {
          continue;
        }
        Map<Path, BasicFileAttributes> seen = new LinkedHashMap<>();
        Map<String, Path> onDisk = new LinkedHashMap<>();
        for (String name : scope) {
          Path f = name == null ? null : fileOf(dir, name);
          EmulatedFile known = name == null ? null : run.file(name);
          Path before = known == null ? null : known.content().path();
          if (before != null && before.startsWith(dir) && !before.equals(f)) {
            // found by a look at the folder under another name on disk (a\b read as a/b)
            f = before;
          }
          BasicFileAttributes a = f == null ? null : regularFile(f);
          if (a != null) {
            seen.put(f, a);
            onDisk.put(name, f);
          }
        }
        reconcile(run, dir, onDisk, seen, scope);
      }
    }
  }

  private static Path folderOf(Path root, RunPath p) {
    return ServedFolders.runFolder(root, p.entity(), p.project(), p.runId());
  }

  /**
   * The file a name stands for under a run's folder, or {@code null} for a name that cannot be
   * there (see {@link ServedFolders#file}), that names a temporary file, or that a look at the
   * folder would list under another name.
   */
  private static Path fileOf(Path dir, String name) {
    Path f = ServedFolders.file(dir, name);
    return f == null
            || isTemporary(f)
            || !dir.relativize(f).toString().replace('\\', '/').equals(name)
        ? null
        : f;
  }

  /** A regular file's attributes (a link followed), or {@code null} when it is not one. */
  private static BasicFileAttributes regularFile(Path f) {
    try {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      return a.isRegularFile() ? a : null;
    } catch (IOException notThere) {
      return null;
    }
  }

  /** How many times a run's folder has been read; for tests. */
  long folderReads() {
    return folderReads.sum();
  }

  private final LongAdder folderReads = new LongAdder();

  /**
   * Brings a run in line with its folders in the served directories: new and changed files are
   * added, files that are gone are removed. Files added through the API are left alone.
   */
  void syncRun(EmulatedRun run) {
    if (directories.isEmpty()) {
      return;
    }
    synchronized (run) {
      for (Path root : directories) {
        Path dir = folderOf(root, run.path());
        if (dir == null) {
          continue;
        }
        Map<Path, BasicFileAttributes> seen;
        folderReads.increment();
        try {
          seen = look(dir);
        } catch (IOException | UncheckedIOException e) {
          continue;
        }
        Map<String, Path> onDisk = new LinkedHashMap<>();
        for (Path f : seen.keySet()) {
          onDisk.put(dir.relativize(f).toString().replace('\\', '/'), f);
        }
        reconcile(run, dir, onDisk, seen, null);
      }
    }
  }

  /**
   * Brings a run in line with what one look at its folder found. A file the look missed is dropped
   * only if it is really gone: a folder read while a file in it is replaced by a rename (an upload
   * that overwrites, or another program) may leave that file out. Dropping one never deletes
   * anything from the folder; deleting through the API does that.
   */
  void reconcile(EmulatedRun run, Path dir, Map<String, Path> onDisk) {
    reconcile(run, dir, onDisk, Map.of(), null);
  }

  /**
   * As above, with the attributes the look read for some of the files; and when {@code scope} is
   * not {@code null}, for the files of those names only (the look read no others).
   */
  private void reconcile(
      EmulatedRun run,
      Path dir,
      Map<String, Path> onDisk,
      Map<Path, BasicFileAttributes> seen,
      Collection<String> scope) {
    synchronized (run) {
      for (EmulatedFile f : run.files()) {
        if (scope != null && !scope.contains(f.name())) {
          continue;
        }
        Path path = f.content().path();
        if (path != null
            && path.startsWith(dir)
            && !onDisk.containsKey(f.name())
            && !Files.exists(path)
            && run.remove(f)) {
          byId.remove(f.seq(), f);
        }
      }
      for (Map.Entry<String, Path> e : onDisk.entrySet()) {
        EmulatedFile known = run.file(e.getKey());
        BasicFileAttributes a = seen.get(e.getValue());
        if (known == null
            || !(a != null
                ? known.content().sameAs(e.getValue(), a)
                : known.content().sameAs(e.getValue()))) {
          try {
            run.addFile(e.getKey(), e.getValue());
          } catch (UncheckedIOException vanished) {
            // removed while the folder was read: the next look finds it gone
          }
        }
      }
    }
  }

  /**
   * The regular files under a run's folder, in order, with their attributes: one {@code stat} a
   * file, which every request that reads the folder pays. A file that vanishes while the folder is
   * read is left out; nothing when there is no folder.
   */
  private static Map<Path, BasicFileAttributes> look(Path dir) throws IOException {
    Map<Path, BasicFileAttributes> seen = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return seen;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
            if (isTemporary(f)) {
              return FileVisitResult.CONTINUE;
            }
            BasicFileAttributes target = a;
            if (a.isSymbolicLink()) {
              try {
                target = Files.readAttributes(f, BasicFileAttributes.class);
              } catch (IOException danglingOrLoop) {
                return FileVisitResult.CONTINUE;
              }
            }
            if (target.isRegularFile()) {
              seen.put(f, target);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    return seen;
  }

  /**
   * Whether a file in a served folder is one of the emulator's own temporary files, which are left
   * out of the runs it serves.
   */
  private static boolean isTemporary(Path f) {
    return f.getFileName().toString().contains(ReceivedFiles.TEMPORARY);
  }

  /** Registers the runs whose folders appeared in the served directories since the last look. */
  void discoverRuns(Project project) {
    for (Path root : directories) {
      Path dir = root.resolve(project.entity()).resolve(project.name()).normalize();
      if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> runDirs = Files.list(dir)) {
        for (Path r : runDirs.filter(Files::isDirectory).toList()) {
          String runId = r.getFileName().toString();
          if (!project.runs.containsKey(runId)) {
            try {
              run(project.entity() + "/" + project.name() + "/" + runId);
            } catch (IllegalArgumentException notARunId) {
              // a folder whose name W&B would not take as a run ID is not served
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // the folder went away: its runs stay as they are
      }
    }
  }

  boolean hasRunFolder(Project project, String runId) {
    for (Path root : directories) {
      Path dir = ServedFolders.runFolder(root, project.entity(), project.name(), runId);
      if (dir != null && Files.isDirectory(dir)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a file is served from one of the served directories. */
  private boolean fromDirectory(EmulatedFile f) {
    Path path = f.content().path();
    if (path == null) {
      return false;
    }
    for (Path root : directories) {
      if (path.startsWith(root)) {
        return true;
      }
    }
    return false;
  }

  /** Stops both endpoints, closes the shared client, and stops the emulator's threads. */
  @Override
  public void close() {
    WandbClient c = client;
    if (c != null) {
      c.close();
    }
    api.disposeNow();
    storage.disposeNow();
    stopThreads();
    received.close();
  }

  private void stopThreads() {
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    workers.dispose();
    digests.dispose();
  }

  /**
   * Where digests are computed: threads of their own, so that a long one never delays the execution
   * of a request on {@link #workers}.
   */
  Executor digester() {
    return digests::schedule;
  }

  long nextSeq() {
    return seq.incrementAndGet();
  }

  void register(EmulatedFile f) {
    byId.put(f.seq(), f);
  }

  /** A file was replaced by another of the same name: its URLs stop working, as with removal. */
  void replaced(EmulatedFile old) {
    byId.remove(old.seq(), old);
    deleteStored(old);
  }

  /** Deletes a received file's content kept in the emulator's own folder. */
  private void deleteStored(EmulatedFile f) {
    Path path = f.content().path();
    if (received.isStored(path)) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // the folder is removed when the emulator closes
      }
    }
  }

  void unregister(EmulatedFile f) {
    byId.remove(f.seq(), f);
    deleteStored(f);
    if (fromDirectory(f)) {
      try {
        Files.deleteIfExists(f.content().path());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  Project project(String entity, String name) {
    if (entity == null || name == null) {
      return null;
    }
    Project p = projects.get(entity + "/" + name);
    if (p == null) {
      for (Path root : directories) {
        Path dir = root.resolve(entity).resolve(name).normalize();
        if (dir.startsWith(root)
            && dir.getNameCount() == root.getNameCount() + 2
            && Files.isDirectory(dir)) {
          return projects.computeIfAbsent(
              entity + "/" + name,
              k -> new Project(this, entity, name, projectIds.incrementAndGet()));
        }
      }
    }
    return p;
  }

  EmulatedFile fileById(String id) {
    try {
      String s = new String(Base64.getDecoder().decode(id), StandardCharsets.UTF_8);
      return s.startsWith("File:") ? byId.get(Long.parseLong(s.substring(5))) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  String apiFileUrl(EmulatedFile f) {
    return apiFileUrl(f.run().path(), f.name());
  }

  String apiFileUrl(RunPath p, String name) {
    StringBuilder sb = new StringBuilder(baseUrl()).append("/files/");
    sb.append(encode(p.entity())).append('/').append(encode(p.project())).append('/');
    sb.append(encode(p.runId()));
    for (String segment : name.split("/", -1)) {
      sb.append('/').append(encode(segment));
    }
    return sb.toString();
  }

  String signedUrl(EmulatedFile f) {
    return signedUrl(f.seq());
  }

  /**
   * A signed storage URL for a name the run does not have, as W&amp;B gives in the placeholder it
   * answers a missing name with: well-formed and signed, and answered with 404 at storage.
   */
  String signedMissingUrl() {
    return signedUrl(MISSING_OBJECT);
  }

  /** No file has this sequence number: they start at 1. */
  private static final long MISSING_OBJECT = 0;

  private String signedUrl(long seq) {
    long expires = Instant.now().plus(URL_LIFETIME).getEpochSecond();
    return storageUrl()
        + "/objects/"
        + seq
        + "?X-Expires="
        + expires
        + "&X-Signature="
        + signer.sign(seq, expires);
  }

  /**
   * A signed URL to upload a run's file to: a PUT to the storage endpoint, whose path names the run
   * and the file and whose signature covers that path, the method and the expiry.
   */
  String uploadUrl(RunPath p, String name) {
    StringBuilder path = new StringBuilder("/uploads/");
    path.append(encode(p.entity())).append('/').append(encode(p.project())).append('/');
    path.append(encode(p.runId()));
    for (String segment : name.split("/", -1)) {
      path.append('/').append(encode(segment));
    }
    long expires = Instant.now().plus(URL_LIFETIME).getEpochSecond();
    return storageUrl()
        + path
        + "?X-Expires="
        + expires
        + "&X-Signature="
        + signer.sign("PUT " + path, expires);
  }

  /**
   * Why the emulator refuses a file name from a client, or {@code null}: the names wandb4j refuses
   * to write to disk, and names of the emulator's own temporary files.
   */
  static String nameProblem(String name) {
    String why = dev.wandb4j.internal.SafePaths.problem(name);
    if (why != null) {
      return why;
    }
    return name.length() > 4096 ? "it is longer than 4096 characters" : null;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void record(
      String server,
      HttpServerRequest req,
      String path,
      String operation,
      Map<String, Object> variables) {
    log.add(
        new RecordedRequest(
            server,
            req.method().name(),
            path,
            req.requestHeaders().contains(HttpHeaderNames.AUTHORIZATION),
            req.requestHeaders().get(HttpHeaderNames.RANGE),
            operation,
            variables == null ? Map.of() : variables));
    // Counted here: ConcurrentLinkedDeque.size() walks the whole log.
    if (logged.incrementAndGet() > MAX_LOG && log.pollFirst() != null) {
      logged.decrementAndGet();
    }
  }

  private static String pathOf(HttpServerRequest req) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static Map<String, String> queryOf(HttpServerRequest req) {
    Map<String, String> params = new LinkedHashMap<>();
    String uri = req.uri();
    int q = uri.indexOf('?');
    if (q >= 0) {
      for (String pair : uri.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  // ---- API endpoint ----

  /** Handles a request after the configured {@link Faults#requestLatency} has passed. */
  private Publisher<Void> delayed(
      HttpServerRequest req,
      HttpServerResponse res,
      java.util.function.BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>
          handler) {
    Duration latency = faults.requestLatency();
    return latency.isZero()
        ? handler.apply(req, res)
        : Mono.delay(latency).thenMany(Mono.defer(() -> Mono.from(handler.apply(req, res))));
  }

  private Publisher<Void> api(HttpServerRequest req, HttpServerResponse res) {
    String path = pathOf(req);
    if (req.method() == HttpMethod.POST && path.equals("/graphql")) {
      return graphQl(req, res);
    }
    if (req.method() == HttpMethod.POST
        && path.startsWith("/files/")
        && path.endsWith("/file_stream")) {
      return fileStream(req, res, path);
    }
    if (req.method() == HttpMethod.GET && path.startsWith("/files/")) {
      return fileUrl(req, res, path);
    }
    record("api", req, path, null, null);
    return res.status(404).sendString(Mono.just("not found"));
  }

  private boolean authorized(HttpServerRequest req) {
    return expectedAuthorization.equals(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
  }

  private Publisher<Void> graphQl(HttpServerRequest req, HttpServerResponse res) {
    return req.receive()
        .aggregate()
        .asInputStream()
        .defaultIfEmpty(InputStream.nullInputStream())
        .flatMap(
            in -> {
              Map<String, Object> body;
              try (in) {
                body = JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
              } catch (IOException e) {
                body = null;
              }
              String query = body == null ? null : (String) body.get("query");
              @SuppressWarnings("unchecked")
              Map<String, Object> variables =
                  body == null ? null : (Map<String, Object>) body.get("variables");
              String operation = body == null ? null : (String) body.get("operationName");
              if ((operation == null || operation.isEmpty()) && query != null) {
                Matcher m = OPERATION.matcher(query);
                operation = m.find() ? m.group(1) : null;
              }
              record("api", req, "/graphql", operation, variables);
              int failure = faults.takeFailure();
              if (failure != 0) {
                return fail(res, failure, faults.failRetryAfter());
              }
              if (!authorized(req)) {
                return res.status(401)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just("{\"errors\":[{\"message\":\"user is not logged in\"}]}"))
                    .then();
              }
              if (body == null || query == null) {
                return res.status(400)
                    .sendString(Mono.just("{\"errors\":[{\"message\":\"invalid JSON body\"}]}"))
                    .then();
              }
              Mono<Map<String, Object>> result;
              Faults.AfterMutation afterMutation = null;
              String injected = faults.takeGraphQlError();
              if (injected != null) {
                Map<String, Object> errors = new LinkedHashMap<>();
                errors.put("errors", List.of(Map.of("message", injected)));
                errors.put("data", null);
                result = Mono.just(errors);
              } else {
                // Off the event loop: resolving a run may read its folder, and a file's MD5 may
                // still be computing on a worker.
                String op = operation;
                result =
                    Mono.defer(
                            () -> Mono.fromCompletionStage(graphQl.execute(query, variables, op)))
                        .subscribeOn(workers);
                if (faults.afterMutationPending() && GraphQlEndpoint.isMutation(query, operation)) {
                  afterMutation = faults.takeAfterMutation();
                }
              }
              if (afterMutation != null) {
                Faults.AfterMutation fault = afterMutation;
                return onLoop(res, result).flatMap(r -> answerAfterMutation(res, r, fault));
              }
              Duration latency = faults.graphQlLatency();
              return onLoop(res, result)
                  .flatMap(
                      r -> {
                        byte[] json;
                        try {
                          json = JSON.writeValueAsBytes(r);
                        } catch (IOException e) {
                          return res.status(500).send().then();
                        }
                        Mono<Void> send =
                            res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(json.length))
                                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json)))
                                .then();
                        return latency.isZero() ? send : Mono.delay(latency).then(send);
                      });
            });
  }

  /** Answers a mutation that has been applied as a scripted fault says: late, never, or failed. */
  private static Mono<Void> answerAfterMutation(
      HttpServerResponse res, Map<String, Object> result, Faults.AfterMutation fault) {
    switch (fault.kind()) {
      case DROP_CONNECTION:
        return Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close()));
      case FAIL:
        return fail(res, fault.status(), null);
      default:
        byte[] json;
        try {
          json = JSON.writeValueAsBytes(result);
        } catch (IOException e) {
          return res.status(500).send().then();
        }
        return Mono.delay(fault.delay())
            .then(
                res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(json.length))
                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json)))
                    .then());
    }
  }

  private Publisher<Void> fileUrl(HttpServerRequest req, HttpServerResponse res, String path) {
    record("api", req, path, null, null);
    String[] parts = path.substring("/files/".length()).split("/", 4);
    int failure = faults.takeFailure();
    if (failure != 0) {
      return fail(res, failure, faults.failRetryAfter());
    }
    if (!authorized(req)) {
      return res.status(401).sendString(Mono.just("user is not logged in"));
    }
    if (parts.length < 4) {
      return res.status(404).sendString(Mono.just("not found"));
    }
    Project project = project(decode(parts[0]), decode(parts[1]));
    EmulatedRun run = project == null ? null : project.runs.get(decode(parts[2]));
    StringBuilder name = new StringBuilder();
    for (String segment : parts[3].split("/", -1)) {
      if (name.length() > 0) {
        name.append('/');
      }
      name.append(decode(segment));
    }
    EmulatedFile f = run == null ? null : run.file(name.toString());
    if (f == null) {
      return res.status(404).sendString(Mono.just("file not found"));
    }
    int fileFailure = f.faults().takeFailure();
    if (fileFailure != 0) {
      return fail(res, fileFailure, f.faults().failRetryAfter());
    }
    return res.status(302).header(HttpHeaderNames.LOCATION, signedUrl(f)).send();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Mono<Void> fail(HttpServerResponse res, int status, Duration retryAfter) {
    if (retryAfter != null) {
      res.header(HttpHeaderNames.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
    }
    return res.status(status).sendString(Mono.just("emulated failure " + status)).then();
  }

  // ---- storage endpoint ----

  private Publisher<Void> storage(HttpServerRequest req, HttpServerResponse res) {
    String path = pathOf(req);
    record("storage", req, path, null, null);
    if (req.requestHeaders().contains(HttpHeaderNames.AUTHORIZATION)) {
      return drain(req)
          .then(xmlError(res, 400, "InvalidArgument", "Only one auth mechanism allowed"));
    }
    if (req.method() == HttpMethod.PUT && path.startsWith("/uploads/")) {
      return upload(req, res, path);
    }
    if (req.method() != HttpMethod.GET || !path.startsWith("/objects/")) {
      return drain(req)
          .then(
              xmlError(
                  res,
                  405,
                  "MethodNotAllowed",
                  "Only GET of /objects/ and PUT to /uploads/ are supported"));
    }
    long id;
    long expires;
    Map<String, String> query = queryOf(req);
    try {
      id = Long.parseLong(path.substring("/objects/".length()));
      expires = Long.parseLong(query.getOrDefault("X-Expires", "0"));
    } catch (NumberFormatException e) {
      return xmlError(res, 400, "InvalidRequest", "Malformed URL");
    }
    if (!signer.verify(id, expires, query.get("X-Signature"))) {
      return xmlError(res, 403, "SignatureDoesNotMatch", "The signature does not match");
    }
    EmulatedFile f = byId.get(id);
    Faults fileFaults = f == null ? null : f.faults();
    if (Instant.now().getEpochSecond() > expires
        || faults.expireSignedUrls()
        || fileFaults != null && fileFaults.expireSignedUrls()) {
      return xmlError(res, 403, "AccessDenied", "Request has expired");
    }
    if (f == null) {
      return xmlError(res, 404, "NoSuchKey", "The specified key does not exist");
    }
    int failure = fileFaults.takeFailure();
    Duration retryAfter = fileFaults.failRetryAfter();
    if (failure == 0) {
      failure = faults.takeFailure();
      retryAfter = faults.failRetryAfter();
    }
    if (failure != 0) {
      return fail(res, failure, retryAfter);
    }
    return serve(req, res, f);
  }

  /** Reads a request's body to its end and drops it, so that an answer is read in full. */
  private static Mono<Void> drain(HttpServerRequest req) {
    return req.receive().reduce(0L, (n, buf) -> n + buf.readableBytes()).then();
  }

  /**
   * A PUT to a signed upload URL, as GCS and S3 take them: checked (no {@code Authorization},
   * signature, expiry, the upload headers, a {@code Content-Length}), streamed to disk on a worker
   * with its MD5 computed on the way, and added to the run (replacing a file of the same name) only
   * once all of it has arrived, before the answer. A refused request's body is read and dropped
   * before the error is sent, so that the client sees the error rather than a reset.
   */
  private Publisher<Void> upload(HttpServerRequest req, HttpServerResponse res, String path) {
    Map<String, String> query = queryOf(req);
    long expires;
    try {
      expires = Long.parseLong(query.getOrDefault("X-Expires", "0"));
    } catch (NumberFormatException e) {
      return drain(req).then(xmlError(res, 400, "InvalidRequest", "Malformed URL"));
    }
    if (!signer.verify("PUT " + path, expires, query.get("X-Signature"))) {
      return drain(req)
          .then(xmlError(res, 403, "SignatureDoesNotMatch", "The signature does not match"));
    }
    if (Instant.now().getEpochSecond() > expires || uploadFaults.expireSignedUrls()) {
      return drain(req).then(xmlError(res, 403, "AccessDenied", "Request has expired"));
    }
    for (String header : uploadHeaders) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).strip();
      String value = header.substring(colon + 1).strip();
      if (!value.equals(req.requestHeaders().get(name))) {
        return drain(req)
            .then(
                xmlError(
                    res,
                    400,
                    "MissingRequiredHeader",
                    "An HTTP header that is mandatory for this request is not specified: " + name));
      }
    }
    String length = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    long expected;
    try {
      expected = length == null ? -1 : Long.parseLong(length);
    } catch (NumberFormatException e) {
      expected = -1;
    }
    if (expected < 0) {
      return drain(req)
          .then(xmlError(res, 411, "MissingContentLength", "You must provide Content-Length"));
    }
    String[] parts = path.substring("/uploads/".length()).split("/", 4);
    EmulatedRun run = null;
    String name = null;
    if (parts.length == 4) {
      Project project = project(decode(parts[0]), decode(parts[1]));
      run = project == null ? null : project.find(decode(parts[2]));
      StringBuilder n = new StringBuilder();
      for (String segment : parts[3].split("/", -1)) {
        n.append(n.length() > 0 ? "/" : "").append(decode(segment));
      }
      name = n.toString();
    }
    if (run == null || nameProblem(name) != null) {
      return drain(req).then(xmlError(res, 404, "NoSuchKey", "No such run or file name"));
    }
    if (!received.fits(run.path(), name)) {
      return drain(req)
          .then(xmlError(res, 400, "InvalidArgument", "The name leads outside the run's folder"));
    }
    int failure = uploadFaults.takeFailure();
    if (failure != 0) {
      Duration retryAfter = uploadFaults.failRetryAfter();
      return drain(req).then(Mono.defer(() -> fail(res, failure, retryAfter)));
    }
    long reset = uploadFaults.takeReset();
    long corrupt = uploadFaults.corruptOffset();
    long rate = uploadFaults.bytesPerSecond();
    long started = System.nanoTime();
    EmulatedRun target = run;
    String fileName = name;
    long size = expected;
    // A client that goes away mid-body may leave the body neither complete nor failed.
    java.util.concurrent.atomic.AtomicReference<Mono<Void>> closed =
        new java.util.concurrent.atomic.AtomicReference<>(Mono.never());
    res.withConnection(c -> closed.set(c.onDispose()));
    Mono<EmulatedFile> stored =
        Mono.<EmulatedFile, ReceivedFiles.Pending>usingWhen(
            Mono.fromCallable(() -> received.begin(target.path(), fileName))
                // Not fused into the scheduling, which drops a value that arrives after a cancel
                // without a discard; this way a file begun after the client went away is removed.
                .hide()
                .subscribeOn(workers)
                .doOnDiscard(ReceivedFiles.Pending.class, ReceivedFiles.Pending::abandon)
                // A client that goes away mid-body may leave the body neither complete nor
                // failed: the connection's end abandons what was not committed by then.
                .doOnNext(pending -> closed.get().subscribe(null, e -> {}, pending::abandon)),
            pending ->
                req.receive()
                    // Copied on the event loop rather than retained: a retained buffer still
                    // queued for the worker when the client goes away could be dropped unreleased.
                    .map(WandbEmulator::copyOf)
                    .publishOn(workers, 16)
                    .concatMap(
                        buf -> {
                          try {
                            pending.write(buf);
                          } catch (IOException e) {
                            return Mono.error(new UncheckedIOException(e));
                          }
                          if (reset >= 0 && pending.size() >= reset) {
                            res.withConnection(c -> c.channel().close());
                            return Mono.error(
                                new IllegalStateException("connection reset by a fault"));
                          }
                          // The next buffer is taken only once this one is due: holding it holds
                          // up the reads, and the client's sends.
                          return rate > 0 ? pace(started, pending.size(), rate) : Mono.empty();
                        },
                        0)
                    .then(
                        Mono.fromCallable(
                            () -> {
                              if (pending.size() != size) {
                                throw new IllegalStateException(
                                    "the body ended after " + pending.size() + " of " + size);
                              }
                              if (corrupt >= 0) {
                                pending.corrupt(corrupt);
                              }
                              EmulatedFile f = pending.commit(target, fileName);
                              return f;
                            })),
            pending -> Mono.empty(),
            (pending, e) -> Mono.fromRunnable(pending::abandon),
            pending -> Mono.fromRunnable(pending::abandon));
    return onLoop(
            res,
            stored
                .takeUntilOther(closed.get())
                // The ETag is the file's MD5, computed on a worker: never waited for on the loop.
                .flatMap(f -> Mono.fromFuture(f.md5Async(), true)))
        .flatMap(
            md5 ->
                res.status(200)
                    .header(HttpHeaderNames.ETAG, "\"" + hexOfBase64(md5) + "\"")
                    .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                    .send()
                    .then())
        .onErrorResume(e -> Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close())));
  }

  /** A buffer's readable bytes on the heap, ready to read. */
  private static ByteBuffer copyOf(ByteBuf buf) {
    ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
    buf.getBytes(buf.readerIndex(), copy);
    return copy.flip();
  }

  /** Completes once {@code bytes} at {@code rate} bytes a second are due since {@code started}. */
  private Mono<Void> pace(long started, long bytes, long rate) {
    long due = started + (long) (bytes * 1e9 / rate);
    long wait = due - System.nanoTime();
    return wait > 0 ? Mono.delay(Duration.ofNanos(wait), workers).then() : Mono.empty();
  }

  private static String hexOfBase64(String b64) {
    return java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(b64));
  }

  /**
   * W&amp;B's {@code file_stream}: what an SDK streams while a run is going, {@code {"files":
   * {name: {"offset": N, "content": [lines]}}, "complete": bool, "exitcode": N}}. Offsets are line
   * numbers, so a chunk sent again replaces its lines. The summary ({@code wandb-summary.json},
   * whose last line is the whole summary) and the console output ({@code output.log}) become run
   * files at once; history and system events are kept as lines ({@link EmulatedRun#history()}), as
   * W&amp;B serves them through other APIs. {@code complete} ends the run: finished with exit code
   * 0, failed otherwise.
   */
  private Publisher<Void> fileStream(HttpServerRequest req, HttpServerResponse res, String path) {
    record("api", req, path, null, null);
    int failure = faults.takeFailure();
    if (failure != 0) {
      return drain(req).then(fail(res, failure, faults.failRetryAfter()));
    }
    if (!authorized(req)) {
      return drain(req).then(res.status(401).sendString(Mono.just("user is not logged in")).then());
    }
    String[] parts = path.substring("/files/".length()).split("/", -1);
    Project project = parts.length == 4 ? project(decode(parts[0]), decode(parts[1])) : null;
    EmulatedRun run = project == null ? null : project.find(decode(parts[2]));
    if (run == null) {
      return drain(req).then(res.status(404).sendString(Mono.just("run not found")).then());
    }
    Mono<String> applied =
        req.receive()
            .aggregate()
            .asInputStream()
            .defaultIfEmpty(InputStream.nullInputStream())
            .publishOn(workers)
            .map(
                in -> {
                  Map<String, Object> body;
                  try (in) {
                    body = JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
                  } catch (IOException e) {
                    throw new IllegalArgumentException("invalid JSON body");
                  }
                  if (body == null) {
                    throw new IllegalArgumentException("invalid JSON body");
                  }
                  FileStreams.apply(this, run, body);
                  return "{\"exitcode\":null,\"limits\":{}}";
                });
    return onLoop(res, applied)
        .flatMap(
            json ->
                res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just(json))
                    .then())
        .onErrorResume(
            IllegalArgumentException.class,
            e ->
                res.status(400)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just(jsonError(e.getMessage())))
                    .then());
  }

  private static String jsonError(String message) {
    try {
      return JSON.writeValueAsString(Map.of("error", message == null ? "bad request" : message));
    } catch (IOException e) {
      return "{\"error\":\"bad request\"}";
    }
  }

  private Publisher<Void> serve(HttpServerRequest req, HttpServerResponse res, EmulatedFile f) {
    java.util.concurrent.CompletableFuture<String> md5 = f.md5Async();
    if (md5.isDone() && !md5.isCompletedExceptionally()) {
      return serve(req, res, f, "\"" + md5.join() + "\"");
    }
    return onLoop(res, Mono.fromFuture(md5, true))
        .flatMap(m -> Mono.from(serve(req, res, f, "\"" + m + "\"")));
  }

  /**
   * Continues on the connection's event loop: a response is begun there, not on the worker thread
   * that completed what it waited for, so that it cannot race the next request on the connection.
   */
  private static <T> Mono<T> onLoop(HttpServerResponse res, Mono<T> work) {
    java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Executor> loop =
        new java.util.concurrent.atomic.AtomicReference<>();
    res.withConnection(c -> loop.set(c.channel().eventLoop()));
    return loop.get() == null ? work : work.publishOn(Schedulers.fromExecutor(loop.get()));
  }

  private Publisher<Void> serve(
      HttpServerRequest req, HttpServerResponse res, EmulatedFile f, String etag) {
    Content content = f.content();
    long size = content.size();
    res.header(HttpHeaderNames.ETAG, etag);
    res.header(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    res.header(
        HttpHeaderNames.CONTENT_TYPE,
        f.mimetype() == null ? "application/octet-stream" : f.mimetype());
    long start = 0;
    long count = size;
    String range = req.requestHeaders().get(HttpHeaderNames.RANGE);
    String ifRange = req.requestHeaders().get(HttpHeaderNames.IF_RANGE);
    boolean ignoreRange = faults.ignoreRange() || f.faults().ignoreRange();
    if (range != null && !ignoreRange && (ifRange == null || ifRange.equals(etag))) {
      long[] r = ByteRanges.parse(range, size);
      if (r == null) {
        return res.status(416).header(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size).send();
      }
      start = r[0];
      count = r[1] - r[0] + 1;
      res.status(HttpResponseStatus.PARTIAL_CONTENT)
          .header(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
    }
    res.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(count));
    long reset = f.faults().takeReset();
    if (reset < 0) {
      reset = faults.takeReset();
    }
    long corrupt =
        f.faults().corruptOffset() >= 0 ? f.faults().corruptOffset() : faults.corruptOffset();
    long rate =
        f.faults().bytesPerSecond() > 0 ? f.faults().bytesPerSecond() : faults.bytesPerSecond();
    Duration delay =
        f.faults().firstByteDelay().isZero()
            ? faults.firstByteDelay()
            : f.faults().firstByteDelay();
    if (content.path() != null && reset < 0 && corrupt < 0 && rate <= 0 && delay.isZero()) {
      return res.sendFile(content.path(), start, count);
    }
    Flux<ByteBuf> body = content.stream(start, count, workers);
    if (corrupt >= start && corrupt < start + count) {
      body = corrupt(body, corrupt - start);
    }
    if (rate > 0) {
      body = body.delayElements(Duration.ofNanos(Content.CHUNK * 1_000_000_000L / rate));
    }
    if (!delay.isZero()) {
      body = Mono.delay(delay).thenMany(body);
    }
    if (reset >= 0) {
      Flux<ByteBuf> cut = truncate(body, reset);
      return res.send(cut)
          .then()
          .then(
              Mono.fromRunnable(
                  () ->
                      res.withConnection(
                          c -> {
                            c.channel().flush();
                            c.channel().close();
                          })));
    }
    return res.send(body);
  }

  private static Flux<ByteBuf> corrupt(Flux<ByteBuf> body, long offset) {
    AtomicLong position = new AtomicLong();
    return body.map(
        buf -> {
          long at = position.getAndAdd(buf.readableBytes());
          if (offset >= at && offset < at + buf.readableBytes()) {
            ByteBuf copy = buf.copy();
            buf.release();
            int i = (int) (offset - at);
            copy.setByte(i, ~copy.getByte(i));
            return copy;
          }
          return buf;
        });
  }

  private static Flux<ByteBuf> truncate(Flux<ByteBuf> body, long limit) {
    AtomicLong left = new AtomicLong(limit);
    return body.<ByteBuf>handle(
            (buf, sink) -> {
              long l = left.get();
              int n = buf.readableBytes();
              if (n < l) {
                left.addAndGet(-n);
                sink.next(buf);
                return;
              }
              ByteBuf part = buf.retainedSlice(buf.readerIndex(), (int) l);
              buf.release();
              left.set(0);
              if (part.isReadable()) {
                sink.next(part);
              } else {
                part.release();
              }
              sink.complete();
            })
        .switchIfEmpty(Flux.empty());
  }

  private static Mono<Void> xmlError(
      HttpServerResponse res, int status, String code, String message) {
    return res.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/xml")
        .sendString(
            Mono.just(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                    + code
                    + "</Code><Message>"
                    + message
                    + "</Message></Error>"))
        .then();
  }

  /** A project and its runs. */
  static final class Project {
    private final WandbEmulator emulator;
    private final String entity;
    private final String name;
    private final long id;
    final Map<String, EmulatedRun> runs = new ConcurrentHashMap<>();

    Project(WandbEmulator emulator, String entity, String name, long id) {
      this.emulator = emulator;
      this.entity = entity;
      this.name = name;
      this.id = id;
    }

    String id() {
      return GraphQlEndpoint.b64("Project:" + id);
    }

    String name() {
      return name;
    }

    String entity() {
      return entity;
    }

    String internalId() {
      return GraphQlEndpoint.b64("ProjectInternalId:" + id);
    }

    /** A run, as its folder in the served directories has it now. */
    EmulatedRun run(String runId) {
      EmulatedRun run = runs.get(runId);
      if (run == null && !emulator.directories.isEmpty() && emulator.hasRunFolder(this, runId)) {
        run = emulator.run(entity + "/" + name + "/" + runId);
      }
      if (run != null) {
        emulator.syncRun(run);
      }
      return run;
    }

    /**
     * A run, without reading its folder again: for a request that writes into the run (a signed
     * upload, {@code file_stream}) or reads its files by what it asks for. The folder is read only
     * when the emulator has not seen the run yet. Reading it on every request made each upload, and
     * each check of one, cost a walk of the whole folder.
     */
    EmulatedRun find(String runId) {
      EmulatedRun run = runs.get(runId);
      return run != null ? run : run(runId);
    }

    /** The runs a filter selects, in an order such as {@code -created_at}. */
    List<EmulatedRun> runs(String filters, String order) {
      java.util.function.Predicate<Map<String, Object>> filter = RunFilter.compile(filters);
      emulator.discoverRuns(this);
      String o = order == null || order.isBlank() ? "-created_at" : order;
      boolean descending = o.startsWith("-");
      String field = o.startsWith("+") || o.startsWith("-") ? o.substring(1) : o;
      java.util.Comparator<EmulatedRun> byField =
          java.util.Comparator.comparing(
              r -> {
                Object v = r.document().get(field);
                return v == null ? "" : String.valueOf(v);
              });
      java.util.Comparator<EmulatedRun> cmp = byField.thenComparingLong(EmulatedRun::created);
      List<EmulatedRun> out = new ArrayList<>();
      for (EmulatedRun r : runs.values()) {
        if (filter.test(r.document())) {
          out.add(r);
        }
      }
      out.sort(descending ? cmp.reversed() : cmp);
      return out;
    }
  }

  /** Configures a {@link WandbEmulator}. */
  public static final class Builder {
    private String apiKey = DEFAULT_API_KEY;
    private String host = "127.0.0.1";
    private int port;
    private Path directory;
    private final List<String> uploadHeaders = new ArrayList<>();
    private boolean createRunFiles = true;

    private Builder() {}

    /**
     * Headers every upload must carry, handed out with the upload URLs as W&amp;B's {@code
     * uploadHeaders} ({@code "Name:Value"}, e.g. {@code "x-ms-blob-type:BlockBlob"}, which Azure
     * requires); a PUT without one of them is refused with 400, as Azure refuses it. Default: none,
     * as with GCS.
     *
     * @param headers the headers
     * @return this builder
     */
    public Builder uploadHeaders(String... headers) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon <= 0 || h.substring(0, colon).isBlank()) {
          throw new IllegalArgumentException("an upload header is Name:Value: " + h);
        }
        uploadHeaders.add(h);
      }
      return this;
    }

    /**
     * Whether the server has the {@code createRunFiles} mutation, as current W&amp;B servers do.
     * With {@code false} it is an older server: the mutation is not in its schema, and upload URLs
     * come only from the legacy {@code RunUploadUrls} query. Default: {@code true}.
     *
     * @param has whether {@code createRunFiles} exists
     * @return this builder
     */
    public Builder createRunFiles(boolean has) {
      this.createRunFiles = has;
      return this;
    }

    /**
     * The API key to accept. Default: {@link WandbEmulator#DEFAULT_API_KEY}.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * The API port. Default: 0, an ephemeral port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Serves a directory laid out as {@code entity/project/run/<file path>}. Default: none.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /**
     * Starts the emulator.
     *
     * @return the running emulator
     */
    public WandbEmulator start() {
      return new WandbEmulator(this);
    }
  }
}
