package dev.postamt.queue;

import dev.postamt.config.Config;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's admin socket, {@code data_dir/run/control.sock} (a Unix-domain socket, only
 * for the owner), through which {@code postamt queue} asks the server to act on its queue. One request
 * line per connection, one reply line: {@code ok TEXT} or {@code error TEXT}.
 *
 * <pre>
 * flush | requeue ID | requeue --all | delete ID | delete --all | hold ID | release ID
 * </pre>
 */
public final class ControlSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);

  private final Path path;
  private final ServerSocketChannel server;
  private final QueueAdmin admin;
  private volatile boolean closed;

  private ControlSocket(Path path, ServerSocketChannel server, QueueAdmin admin) {
    this.path = path;
    this.server = server;
    this.admin = admin;
  }

  public static Path path(Config config) {
    return config.dataDir().resolve("run").resolve("control.sock");
  }

  /** Binds the socket (replacing a stale one left by a killed server) and starts answering. */
  public static ControlSocket open(Path path, QueueAdmin admin) throws IOException {
    Path dir = Files.createDirectories(path.getParent());
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    Files.deleteIfExists(path);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ch.bind(UnixDomainSocketAddress.of(path));
    ControlSocket c = new ControlSocket(path, ch, admin);
    Thread.ofVirtual().name("control-socket").start(c::accept);
    return c;
  }

  private void accept() {
    while (!closed) {
      try {
        SocketChannel s = server.accept();
        Thread.ofVirtual().name("control").start(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          log.warn("control socket: {}", e.toString());
        }
        return;
      }
    }
  }

  private void serve(SocketChannel s) {
    try (s;
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(s), StandardCharsets.UTF_8));
        OutputStream out = Channels.newOutputStream(s)) {
      String line = in.readLine();
      String reply = line == null ? "error empty request" : execute(line.trim());
      out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.debug("control socket client: {}", e.toString());
    }
  }

  /** Runs one request; the reply is one line. */
  String execute(String request) {
    String[] p = request.split("\\s+");
    String arg = p.length > 1 ? p[1] : "";
    try {
      return switch (p[0]) {
        case "flush" -> "ok " + admin.flush() + " message(s) scheduled for delivery now";
        case "requeue" -> arg.equals("--all")
            ? "ok requeued " + admin.requeueAll() + " message(s)"
            : admin.requeue(arg) ? "ok requeued " + arg : "error no message " + arg + " in the queue";
        case "delete" -> arg.equals("--all")
            ? "ok deleted " + admin.deleteAll() + " message(s)"
            : admin.delete(arg) ? "ok deleted " + arg : "error no message " + arg + " in the queue";
        case "hold" -> admin.hold(arg) ? "ok " + arg + " is on hold" : "error no active message " + arg + " in the queue";
        case "release" -> admin.release(arg) ? "ok released " + arg : "error no held message " + arg + " in the queue";
        default -> "error unknown request: " + p[0];
      };
    } catch (IOException e) {
      return "error " + e.getMessage();
    }
  }

  /**
   * Sends one request to the server's socket; empty when no server listens there (then the caller
   * edits the spool itself).
   */
  public static Optional<String> request(Path path, String request) throws IOException {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    SocketChannel s;
    try {
      s = SocketChannel.open(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      return Optional.empty(); // a stale socket file: the server is not running
    }
    try (s;
        OutputStream out = Channels.newOutputStream(s);
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(s), StandardCharsets.UTF_8))) {
      out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String reply = in.readLine();
      if (reply == null) {
        throw new IOException("the server closed the control connection without a reply");
      }
      return Optional.of(reply);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a stale socket file is replaced at the next start
    }
  }
}
