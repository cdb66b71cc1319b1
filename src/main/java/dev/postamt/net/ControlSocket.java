package dev.postamt.net;

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
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's admin socket, {@code data_dir/run/control.sock} (a Unix-domain socket, only
 * for the owner), through which the CLI asks the server to act: on its queue ({@code postamt queue},
 * see {@code queue.QueueAdmin#answer}) and on its sessions ({@code postamt status}, {@code who}, {@code
 * kick}). One request line per connection, one reply line: {@code ok TEXT} or {@code error TEXT}. The
 * requests are answered by {@link Handler}s, asked in turn.
 */
public final class ControlSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);

  private final Path path;
  private final ServerSocketChannel server;
  private final List<Handler> handlers;
  private volatile boolean closed;

  /** Answers the requests it knows: a one-line reply ({@code ok …} / {@code error …}), else empty. */
  @FunctionalInterface
  public interface Handler {
    Optional<String> answer(String verb, String argument) throws IOException;
  }

  private ControlSocket(Path path, ServerSocketChannel server, List<Handler> handlers) {
    this.path = path;
    this.server = server;
    this.handlers = List.copyOf(handlers);
  }

  public static Path path(Config config) {
    return config.dataDir().resolve("run").resolve("control.sock");
  }

  /** Binds the socket (replacing a stale one left by a killed server) and starts answering. */
  public static ControlSocket open(Path path, List<Handler> handlers) throws IOException {
    Path dir = Files.createDirectories(path.getParent());
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    Files.deleteIfExists(path);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ch.bind(UnixDomainSocketAddress.of(path));
    ControlSocket c = new ControlSocket(path, ch, handlers);
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
    String[] p = request.split("\\s+", 2);
    String verb = p[0];
    String arg = p.length > 1 ? p[1].trim() : "";
    for (Handler h : handlers) {
      try {
        Optional<String> reply = h.answer(verb, arg);
        if (reply.isPresent()) {
          return reply.get().replace('\n', ' ').replace('\r', ' ');
        }
      } catch (IOException | RuntimeException e) {
        log.warn("control socket: {} failed", verb, e);
        return "error " + e.getMessage();
      }
    }
    return "error unknown request: " + verb;
  }

  /**
   * Sends one request to the server's socket; empty when no server listens there (then the caller
   * edits the spool itself).
   */
  public static Optional<String> request(Path path, String request) throws IOException {
    // Not there is "no server"; not reachable for this user (the socket and its directory are the server
    // user's) is said as such, or a running server would be reported as not running.
    try {
      Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException(noPermission(path));
    }
    SocketChannel s;
    try {
      s = SocketChannel.open(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("Permission denied")) {
        throw new IOException(noPermission(path));
      }
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

  private static String noPermission(Path path) {
    return "no permission to use the control socket " + path + ": run this as the user the server runs as, or as root";
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
