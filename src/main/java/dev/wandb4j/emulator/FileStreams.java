package dev.wandb4j.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@code file_stream} request does to a run: the lines it carries for each streamed file,
 * the run files made of them, and the end of the run.
 */
final class FileStreams {
  /** The run's summary: the last line sent is the whole summary, as one JSON object. */
  static final String SUMMARY = "wandb-summary.json";

  /** The run's console output, a line per line. */
  static final String OUTPUT = "output.log";

  private FileStreams() {}

  /**
   * Applies one request's body to a run.
   *
   * @throws IllegalArgumentException if the body is not what W&amp;B's SDKs send
   */
  static void apply(WandbEmulator emulator, EmulatedRun run, Map<String, Object> body) {
    Object files = body.get("files");
    if (files != null && !(files instanceof Map)) {
      throw new IllegalArgumentException("'files' must be an object");
    }
    List<Chunk> chunks = new ArrayList<>();
    if (files != null) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) files).entrySet()) {
        String file = String.valueOf(e.getKey());
        if (!(e.getValue() instanceof Map)) {
          throw new IllegalArgumentException("'files." + file + "' must be an object");
        }
        Map<?, ?> chunk = (Map<?, ?>) e.getValue();
        chunks.add(
            new Chunk(file, offset(file, chunk.get("offset")), lines(file, chunk.get("content"))));
      }
    }
    synchronized (run) {
      // Every chunk is checked before any is applied: a bad request changes nothing.
      for (Chunk c : chunks) {
        long lines = run.streamedLines(c.file());
        if (c.offset() < 0 || c.offset() > lines) {
          throw new IllegalArgumentException(
              "offset " + c.offset() + " of " + c.file() + " is not between 0 and " + lines);
        }
      }
      for (Chunk c : chunks) {
        List<String> all = run.stream(c.file(), c.offset(), c.lines());
        if (c.file().equals(SUMMARY) && !all.isEmpty()) {
          write(emulator, run, SUMMARY, all.get(all.size() - 1));
        } else if (c.file().equals(OUTPUT)) {
          write(emulator, run, OUTPUT, String.join("\n", all) + (all.isEmpty() ? "" : "\n"));
        }
      }
      if (Boolean.TRUE.equals(body.get("complete"))) {
        Object code = body.get("exitcode");
        boolean ok = code == null || code instanceof Number && ((Number) code).intValue() == 0;
        run.state(ok ? "finished" : "failed");
      }
    }
  }

  /** The lines sent for one streamed file, from a line number on. */
  private record Chunk(String file, long offset, List<String> lines) {}

  private static void write(WandbEmulator emulator, EmulatedRun run, String name, String text) {
    try {
      emulator.received().write(run, name, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(String file, Object content) {
    if (!(content instanceof List)) {
      throw new IllegalArgumentException("'files." + file + ".content' must be a list of lines");
    }
    List<String> lines = new ArrayList<>();
    for (Object line : (List<?>) content) {
      if (!(line instanceof String)) {
        throw new IllegalArgumentException("'files." + file + ".content' must hold strings");
      }
      lines.add((String) line);
    }
    return lines;
  }

  private static long offset(String file, Object offset) {
    if (offset == null) {
      return 0;
    }
    if (!(offset instanceof Number) || offset instanceof Double || offset instanceof Float) {
      throw new IllegalArgumentException("'files." + file + ".offset' must be a whole number");
    }
    return ((Number) offset).longValue();
  }
}
