package dev.wandb4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 server whose answers a test writes byte by byte: truncated bodies, resets,
 * lying headers, endless streams. One request per connection. Records what it was sent.
 */
public final class RawHttpServer implements AutoCloseable {
  /** A request as received. */
  public record Request(String method, String path, Map<String, String> headers) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Writes the answer to the n-th request (0-based). */
  @FunctionalInterface
  public interface Handler {
    void handle(int n, Request request, OutputStream out) throws IOException;
  }

  private final ServerSocket socket;
  private final Handler handler;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong bytesSent = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  public RawHttpServer(Handler handler) throws IOException {
    this.handler = handler;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "raw-http-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Bytes of response bodies and headers written to sockets so far. */
  public long bytesSent() {
    return bytesSent.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        Thread t = new Thread(() -> serve(s), "raw-http-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      Request req = readRequest(s.getInputStream());
      if (req == null) {
        return;
      }
      requests.add(req);
      OutputStream counting =
          new OutputStream() {
            final OutputStream out = s.getOutputStream();

            @Override
            public void write(int b) throws IOException {
              out.write(b);
              bytesSent.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
              bytesSent.addAndGet(len);
            }

            @Override
            public void flush() throws IOException {
              out.flush();
            }
          };
      handler.handle(count.getAndIncrement(), req, counting);
      counting.flush();
    } catch (IOException e) {
      // the client went away; nothing to do
    }
  }

  private static Request readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] first = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
    }
    return new Request(first[0], first[1], headers);
  }

  /** Writes a status line and headers, ending the head. */
  public static void head(OutputStream out, int status, String... headers) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
  }
}
