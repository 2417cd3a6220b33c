package dev.wandb4j.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/** The bytes of an emulated file: held in memory, on disk, or generated on the fly. */
abstract class Content {
  static final int CHUNK = 64 * 1024;

  private final AtomicReference<CompletableFuture<String>> md5 = new AtomicReference<>();

  abstract long size();

  /**
   * Streams {@code count} bytes from {@code from} as buffers the subscriber releases; content that
   * has to be read from disk is read on {@code io}, never on the thread that requests it.
   */
  abstract Flux<ByteBuf> stream(long from, long count, Scheduler io);

  /** The file on disk, for zero-copy sending, or {@code null}. */
  Path path() {
    return null;
  }

  /** Whether this is the file at {@code file} as it is now on disk (same size and time). */
  boolean sameAs(Path file) {
    return false;
  }

  /** As {@link #sameAs(Path)}, with the file's attributes already read. */
  boolean sameAs(Path file, java.nio.file.attribute.BasicFileAttributes now) {
    return false;
  }

  /** The byte at a position, for corrupting it. */
  abstract byte byteAt(long position);

  /**
   * The base64 MD5, computed once, on {@code worker}: hashing a large file takes seconds, which
   * must not be spent on an event loop.
   */
  final CompletableFuture<String> md5(Executor worker) {
    CompletableFuture<String> existing = md5.get();
    if (existing != null) {
      return existing;
    }
    CompletableFuture<String> mine = new CompletableFuture<>();
    if (!md5.compareAndSet(null, mine)) {
      return md5.get();
    }
    try {
      worker.execute(
          () -> {
            try {
              mine.complete(Base64.getEncoder().encodeToString(digest()));
            } catch (RuntimeException | Error e) {
              mine.completeExceptionally(e);
            }
          });
    } catch (RuntimeException rejected) {
      mine.completeExceptionally(rejected);
    }
    return mine;
  }

  abstract byte[] digest();

  static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Makes one buffer of {@code len} bytes from {@code off}. */
  @FunctionalInterface
  interface Chunk {
    ByteBuf make(long off, int len);
  }

  /** {@code count} bytes from {@code from} as chunks of at most {@link #CHUNK} bytes. */
  static Flux<ByteBuf> chunks(long from, long count, Chunk chunk) {
    return Flux.range(0, (int) ((count + CHUNK - 1) / CHUNK))
        .map(
            i -> {
              long off = from + (long) i * CHUNK;
              return chunk.make(off, (int) Math.min(CHUNK, from + count - off));
            });
  }

  static Content of(byte[] bytes) {
    return new Bytes(bytes);
  }

  static Content of(Path path) {
    return new OnDisk(path);
  }

  /** A file on disk whose MD5 is already known, as for one received in an upload. */
  static Content received(Path path, String md5) {
    Content c = new OnDisk(path);
    c.md5.set(CompletableFuture.completedFuture(md5));
    return c;
  }

  static Content generated(long size, long seed) {
    return new Generated(size, seed);
  }

  private static final class Bytes extends Content {
    private final byte[] bytes;

    Bytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    long size() {
      return bytes.length;
    }

    @Override
    Flux<ByteBuf> stream(long from, long count, Scheduler io) {
      return chunks(from, count, (off, len) -> Unpooled.wrappedBuffer(bytes, (int) off, len));
    }

    @Override
    byte byteAt(long position) {
      return bytes[(int) position];
    }

    @Override
    byte[] digest() {
      return newMd5().digest(bytes);
    }
  }

  /** A file on disk, with its size as it was when it was added. */
  private static final class OnDisk extends Content {
    private final Path path;
    private final long size;
    private final java.nio.file.attribute.FileTime modified;

    OnDisk(Path path) {
      this.path = path;
      try {
        java.nio.file.attribute.BasicFileAttributes a =
            Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        this.size = a.size();
        this.modified = a.lastModifiedTime();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    boolean sameAs(Path file) {
      if (!file.equals(path)) {
        return false;
      }
      try {
        return sameAs(
            file, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class));
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    boolean sameAs(Path file, java.nio.file.attribute.BasicFileAttributes now) {
      return file.equals(path) && now.size() == size && now.lastModifiedTime().equals(modified);
    }

    @Override
    long size() {
      return size;
    }

    @Override
    Path path() {
      return path;
    }

    @Override
    Flux<ByteBuf> stream(long from, long count, Scheduler io) {
      return Flux.using(
              () -> java.nio.channels.FileChannel.open(path),
              ch -> chunks(from, count, (off, len) -> read(ch, off, len)),
              ch -> {
                try {
                  ch.close();
                } catch (IOException ignored) {
                  // nothing to do
                }
              })
          .subscribeOn(io);
    }

    private ByteBuf read(java.nio.channels.FileChannel ch, long off, int len) {
      ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(len);
      try {
        int read = 0;
        while (read < len) {
          int n = buf.writeBytes(ch, off + read, len - read);
          if (n < 0) {
            throw new IOException("file shrank: " + path);
          }
          read += n;
        }
      } catch (IOException e) {
        buf.release();
        throw new UncheckedIOException(e);
      }
      return buf;
    }

    @Override
    byte byteAt(long position) {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
        ch.read(b, position);
        return b.get(0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    byte[] digest() {
      MessageDigest md = newMd5();
      byte[] buf = new byte[CHUNK];
      try (InputStream in = Files.newInputStream(path)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return md.digest();
    }
  }

  /**
   * Deterministic content of any size that costs no memory: a 64 KiB block drawn from the seed,
   * repeated. Served as slices of one direct buffer per response.
   */
  private static final class Generated extends Content {
    private final long size;
    private final long seed;

    Generated(long size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    /** The repeated block; only as long as the file when the file is shorter. */
    private byte[] block() {
      int len = (int) Math.min(CHUNK, (size + 7) & ~7L);
      byte[] block = new byte[CHUNK];
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < len; i += 8) {
        long v = random.nextLong();
        for (int j = 0; j < 8; j++) {
          block[i + j] = (byte) (v >>> (8 * j));
        }
      }
      return block;
    }

    @Override
    long size() {
      return size;
    }

    @Override
    Flux<ByteBuf> stream(long from, long count, Scheduler io) {
      return Flux.using(
          () -> {
            byte[] block = block();
            ByteBuf twice = ByteBufAllocator.DEFAULT.directBuffer(2 * CHUNK);
            twice.writeBytes(block).writeBytes(block);
            return twice;
          },
          twice -> chunks(from, count, (off, len) -> twice.retainedSlice((int) (off % CHUNK), len)),
          ByteBuf::release);
    }

    @Override
    byte byteAt(long position) {
      return block()[(int) (position % CHUNK)];
    }

    @Override
    byte[] digest() {
      MessageDigest md = newMd5();
      byte[] block = block();
      long full = size / CHUNK;
      for (long i = 0; i < full; i++) {
        md.update(block);
      }
      md.update(block, 0, (int) (size % CHUNK));
      return md.digest();
    }
  }
}
