package dev.wandb4j.internal;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Schedulers;

/**
 * The MD5 of one download, computed beside its writes: buffers are digested in the order they were
 * received, one job at a time on Reactor's parallel scheduler, while the event loop goes on
 * reading. Every buffer handed to it is digested (or skipped once abandoned) and released.
 */
final class Md5 implements Runnable {
  private final MessageDigest digest = newDigest();
  private final Queue<Job> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();

  /** Bytes digested so far. Written by the job in progress only. */
  private volatile long length;

  /** One buffer to digest, and what to do once it is. */
  record Job(ByteBuf buf, Runnable done) {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /**
   * Digests a buffer after those submitted before it, then releases it and runs {@code done}.
   *
   * @param buf a buffer whose reference now belongs to the digest
   * @param done runs once the buffer is digested and released
   */
  void submit(ByteBuf buf, Runnable done) {
    queue.offer(new Job(buf, done));
    if (wip.getAndIncrement() == 0) {
      try {
        Schedulers.parallel().schedule(this);
      } catch (RejectedExecutionException shuttingDown) {
        run();
      }
    }
  }

  @Override
  public void run() {
    int missed = 1;
    do {
      Job job;
      while ((job = queue.poll()) != null) {
        try {
          ByteBuf buf = job.buf();
          int n = buf.readableBytes();
          if (buf.nioBufferCount() == 1) {
            digest.update(buf.nioBuffer());
          } else {
            for (ByteBuffer b : buf.nioBuffers()) {
              digest.update(b);
            }
          }
          length += n;
        } finally {
          job.buf().release();
        }
        job.done().run();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Bytes digested so far; exact once no job is pending. */
  long length() {
    return length;
  }

  /** Starts over, with nothing digested. Call only while no job is pending. */
  void reset() {
    digest.reset();
    length = 0;
  }

  /**
   * Starts over from the first {@code upTo} bytes of a part file that a download continues. Blocks;
   * call only while no job is pending.
   */
  void resetTo(PartFile part, long upTo) throws IOException {
    reset();
    part.readBack(digest, upTo);
    length = upTo;
  }

  /** The digest of what was digested; the digest starts over afterwards. */
  byte[] finish() {
    length = 0;
    return digest.digest();
  }

  /** Whether a local file has this size and MD5. Blocks: reads the whole file. */
  static boolean fileMatches(Path local, long size, String md5) throws IOException {
    MessageDigest d = newDigest();
    if (update(d, local, Long.MAX_VALUE) != size) {
      return false;
    }
    return matches(d.digest(), md5);
  }

  /** Digests at most {@code upTo} bytes of a file, without following a link; returns the count. */
  private static long update(MessageDigest d, Path file, long upTo) throws IOException {
    long n = 0;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
      while (n < upTo) {
        buf.clear();
        if (upTo - n < buf.capacity()) {
          buf.limit((int) (upTo - n));
        }
        int r = ch.read(buf);
        if (r < 0) {
          break;
        }
        buf.flip();
        d.update(buf);
        n += r;
      }
    }
    return n;
  }

  /** Whether a digest matches W&amp;B's MD5, which is base64 (or, from some servers, hex). */
  static boolean matches(byte[] digest, String expected) {
    String e = expected.strip();
    boolean hex = e.length() == 32 && e.matches("[0-9a-fA-F]{32}");
    return hex
        ? HexFormat.of().formatHex(digest).equalsIgnoreCase(e)
        : Base64.getEncoder().encodeToString(digest).equals(e);
  }
}
