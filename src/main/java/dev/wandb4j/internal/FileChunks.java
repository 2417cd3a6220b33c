package dev.wandb4j.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.util.function.IntSupplier;

/**
 * A file's bytes as chunks for Netty's {@link ChunkedWriteHandler}, read ahead one chunk at a time
 * from an {@link AsynchronousFileChannel} (whose reads run on the file pool, never on the event
 * loop), or from a {@link FileChannel} on that pool: for connections that cannot take a file
 * region, TLS above all. The handler asks for a chunk only while the socket is writable, and this
 * input reads the next one only once the last is taken, so a transfer holds at most the chunk being
 * read and the one waiting, whatever the speed of the network. When a read completes while the
 * handler waits, it is told to resume.
 *
 * <p>Each chunk is a pooled direct buffer handed to Netty, which releases it once written; a chunk
 * read after the input was closed is released here.
 */
final class FileChunks implements ChunkedInput<ByteBuf> {
  private final Source channel;
  private final long length;
  private final ByteBufAllocator alloc;
  private final IntSupplier chunkSize;
  private final String what;

  /** Set once the handler is in the pipeline; told to resume when a read completes. */
  private volatile ChunkedWriteHandler handler;

  // Guarded by this.
  private long readTo;
  private long delivered;
  private ByteBuf ready;
  private boolean reading;
  private boolean closed;
  private Throwable failure;

  /** Positional reads that complete later, off the event loop. */
  @FunctionalInterface
  interface Source {
    void read(ByteBuffer dst, long position, ByteBuf att, CompletionHandler<Integer, ByteBuf> done);

    /** Reads of an asynchronous channel. */
    static Source of(AsynchronousFileChannel channel) {
      return channel::read;
    }

    /** Reads of a channel, each run on the file pool. */
    static Source of(FileChannel channel) {
      return (dst, position, att, done) ->
          FileIo.shared()
              .execute(
                  () -> {
                    int n;
                    try {
                      n = channel.read(dst, position);
                    } catch (IOException | RuntimeException e) {
                      done.failed(e, att);
                      return;
                    }
                    done.completed(n, att);
                  });
    }
  }

  /**
   * Creates the input.
   *
   * @param channel the file, open for reading; closed by the caller
   * @param length how many bytes to send, from position 0
   * @param alloc where chunks are allocated
   * @param chunkSize the size of the next chunk
   * @param what names the file in errors
   */
  FileChunks(
      Source channel, long length, ByteBufAllocator alloc, IntSupplier chunkSize, String what) {
    this.channel = channel;
    this.length = length;
    this.alloc = alloc;
    this.chunkSize = chunkSize;
    this.what = what;
  }

  /**
   * The handler that writes this input, to resume it when a chunk is ready; starts reading the
   * first chunk.
   */
  void resumeWith(ChunkedWriteHandler handler) {
    this.handler = handler;
    readAhead();
  }

  @Override
  public synchronized boolean isEndOfInput() {
    return delivered >= length;
  }

  @Override
  public void close() {
    ByteBuf drop;
    synchronized (this) {
      closed = true;
      drop = ready;
      ready = null;
    }
    if (drop != null) {
      drop.release();
    }
  }

  @Override
  @Deprecated
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator ignored) throws Exception {
    ByteBuf chunk;
    synchronized (this) {
      if (failure != null) {
        Throwable f = failure;
        throw f instanceof Exception ? (Exception) f : new IOException(f);
      }
      chunk = ready;
      ready = null;
      if (chunk != null) {
        delivered += chunk.readableBytes();
      }
    }
    readAhead();
    // null while the next chunk is being read: the handler waits for resumeTransfer().
    return chunk;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public synchronized long progress() {
    return delivered;
  }

  /** Starts reading the next chunk unless one is being read, is waiting, or none is left. */
  private void readAhead() {
    ByteBuf buf;
    long position;
    synchronized (this) {
      if (closed || reading || ready != null || failure != null || readTo >= length) {
        return;
      }
      int n = (int) Math.min(length - readTo, Math.max(1, chunkSize.getAsInt()));
      buf = alloc.directBuffer(n, n);
      position = readTo;
      readTo += n;
      reading = true;
    }
    ByteBuffer target = buf.nioBuffer(0, buf.capacity());
    try {
      channel.read(target, position, buf, new Reader(target, position));
    } catch (RuntimeException e) {
      failed(buf, e);
    }
  }

  private void completed(ByteBuf buf) {
    boolean drop;
    synchronized (this) {
      reading = false;
      drop = closed;
      if (!drop) {
        ready = buf;
      }
    }
    if (drop) {
      buf.release();
      return;
    }
    resume();
  }

  private void failed(ByteBuf buf, Throwable e) {
    buf.release();
    synchronized (this) {
      reading = false;
      if (failure == null) {
        failure = e;
      }
    }
    resume();
  }

  private void resume() {
    ChunkedWriteHandler h = handler;
    if (h != null) {
      h.resumeTransfer();
    }
  }

  /** Reads one chunk to its end: a positional read may return fewer bytes than asked for. */
  private final class Reader implements CompletionHandler<Integer, ByteBuf> {
    private final ByteBuffer target;
    private long position;

    Reader(ByteBuffer target, long position) {
      this.target = target;
      this.position = position;
    }

    @Override
    public void completed(Integer n, ByteBuf buf) {
      if (n < 0) {
        failed(
            new IOException(
                what + " is shorter than when its upload began: it changed while being read"),
            buf);
        return;
      }
      position += n;
      if (target.hasRemaining()) {
        try {
          channel.read(target, position, buf, this);
        } catch (RuntimeException e) {
          failed(e, buf);
        }
        return;
      }
      buf.writerIndex(buf.capacity());
      FileChunks.this.completed(buf);
    }

    @Override
    public void failed(Throwable e, ByteBuf buf) {
      FileChunks.this.failed(buf, e);
    }
  }
}
