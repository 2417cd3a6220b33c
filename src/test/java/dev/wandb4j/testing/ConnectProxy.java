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
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A small HTTP proxy on loopback that only tunnels ({@code CONNECT}), as corporate proxies do for
 * https; it records each tunnel asked for and the credentials sent, and may require them (407).
 */
public final class ConnectProxy implements AutoCloseable {
  /** One {@code CONNECT}: its target and its {@code Proxy-Authorization} header, if any. */
  public record Tunnel(String target, String authorization) {}

  private final ServerSocket socket;
  private final String requiredAuthorization;
  private final List<Tunnel> tunnels = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean closed;

  /** A proxy that asks for these credentials, or for none when {@code user} is null. */
  public ConnectProxy(String user, String password) throws IOException {
    this.requiredAuthorization =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "connect-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public List<Tunnel> tunnels() {
    synchronized (tunnels) {
      return List.copyOf(tunnels);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = socket.accept();
        Thread t = new Thread(() -> serve(client), "connect-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String[] head = readHead(in);
      if (head == null) {
        client.close();
        return;
      }
      String[] first = head[0].split(" ");
      String auth = null;
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        if (colon > 0
            && head[i]
                .substring(0, colon)
                .strip()
                .toLowerCase(Locale.ROOT)
                .equals("proxy-authorization")) {
          auth = head[i].substring(colon + 1).strip();
        }
      }
      tunnels.add(new Tunnel(first[0] + " " + first[1], auth));
      if (!first[0].equals("CONNECT")) {
        reply(out, "HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n");
        client.close();
        return;
      }
      if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
        reply(
            out,
            "HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
        client.close();
        return;
      }
      int colon = first[1].lastIndexOf(':');
      Socket upstream =
          new Socket(first[1].substring(0, colon), Integer.parseInt(first[1].substring(colon + 1)));
      reply(out, "HTTP/1.1 200 Connection established\r\n\r\n");
      Thread back = new Thread(() -> pipe(upstream, client), "connect-proxy-back");
      back.setDaemon(true);
      back.start();
      pipe(client, upstream);
    } catch (IOException e) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // one side went away
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String[] readHead(InputStream in) throws IOException {
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
    return head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
  }
}
