package dev.postamt.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts on one platform thread and runs each connection on its own virtual thread. The connection
 * permit (global and per client address) is taken before the handler runs and released in exactly one
 * place, the {@code finally} of {@link #serve}.
 */
public final class Listener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  private final String service;
  private final ServerSocket server;
  private final TlsContext tls;
  private final boolean implicitTls;
  /**
   * What a new connection gets; {@link #reconfigure} replaces it (a reload), while each connection keeps
   * the one it started with, as a Postfix smtpd process keeps the config it was started with.
   */
  private volatile Settings settings;
  /** Connections counted against {@link Settings#maxConnections}. */
  private final AtomicInteger active = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
  /** The connections being served; each is added and removed in {@link #serve}. */
  private final java.util.Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;
  /** Asked at every connection before anything else is said (bans); lets everyone in by default. */
  private volatile Gate gate = (peer, svc) -> null;

  /** Whether a client may connect at all, asked before the greeting. */
  @FunctionalInterface
  public interface Gate {
    /** The reason to refuse a connection from {@code peer} to {@code service}, or null to serve it. */
    String refusal(InetAddress peer, String service);
  }

  private Listener(
      String service,
      ServerSocket server,
      TlsContext tls,
      boolean implicitTls,
      Duration idleTimeout,
      int maxConnections,
      int maxPerIp,
      ConnectionHandler handler) {
    this.service = service;
    this.server = server;
    this.tls = tls;
    this.implicitTls = implicitTls;
    this.settings = new Settings(handler, idleTimeout, maxConnections, maxPerIp);
    this.acceptor = Thread.ofPlatform().name(service + "-accept").daemon(true).unstarted(this::acceptLoop);
  }

  public static Listener open(
      String service,
      InetSocketAddress address,
      TlsContext tls,
      boolean implicitTls,
      Duration idleTimeout,
      int maxConnections,
      ConnectionHandler handler)
      throws IOException {
    return open(service, address, tls, implicitTls, idleTimeout, maxConnections, maxConnections, handler);
  }

  /** Binds and starts accepting. A port that cannot be bound gives a one-line message naming it. */
  public static Listener open(
      String service,
      InetSocketAddress address,
      TlsContext tls,
      boolean implicitTls,
      Duration idleTimeout,
      int maxConnections,
      int maxPerIp,
      ConnectionHandler handler)
      throws IOException {
    return open(service, address, tls, implicitTls, idleTimeout, maxConnections, maxPerIp, handler, null);
  }

  /** As above, with the {@link Gate} asked from the first connection on (null: everyone is served). */
  public static Listener open(
      String service,
      InetSocketAddress address,
      TlsContext tls,
      boolean implicitTls,
      Duration idleTimeout,
      int maxConnections,
      int maxPerIp,
      ConnectionHandler handler,
      Gate gate)
      throws IOException {
    if (implicitTls && tls == null) {
      throw new IllegalArgumentException(service + ": implicit TLS needs a TLS context");
    }
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    try {
      ss.bind(address, 1024);
    } catch (IOException e) {
      ss.close();
      String what = address.getHostString() + ":" + address.getPort();
      String hint = bindHint(e, address, service);
      throw new IOException("cannot listen on " + what + " for " + service + ": " + e.getMessage() + hint, e);
    }
    Listener l = new Listener(service, ss, tls, implicitTls, idleTimeout, maxConnections, maxPerIp, handler);
    l.gate(gate);
    l.acceptor.start();
    log.info("{} listening on {}", service, ss.getLocalSocketAddress());
    return l;
  }

  /**
   * What to do about a failed bind, by its errno (the JDK gives the C library's text): only "address
   * already in use" means another server holds the port.
   */
  public static String bindHint(IOException e, InetSocketAddress address, String service) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    String key = "listen." + service;
    if (m.contains("already in use")) { // EADDRINUSE
      return " (another program, perhaps another mail server, listens there: stop it or change " + key + " in the config)";
    }
    if (m.contains("permission denied") || m.contains("access denied")) { // EACCES
      return address.getPort() < 1024
          ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE, e.g. setcap cap_net_bind_service=+ep on the java"
              + " binary or AmbientCapabilities= in the systemd unit; or change " + key + " in the config)"
          : " (the system does not allow this address or port; change " + key + " in the config)";
    }
    if (m.contains("cannot assign requested address") || m.contains("not available")) { // EADDRNOTAVAIL
      return " (address not available: " + address.getHostString() + " is not an address of this machine; use one of"
          + " its addresses or 0.0.0.0 in " + key + ")";
    }
    return " (change " + key + " in the config)";
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  public String service() {
    return service;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("{}: accept failed: {}", service, e.getMessage());
        }
        continue;
      }
      Thread.ofVirtual().name(service + "-conn").start(() -> serve(s));
    }
  }

  /**
   * Sets what is asked at every new connection (the ban list); a refused client hears the protocol's
   * refusal ({@link ConnectionHandler#refuseBanned}) instead of the greeting.
   */
  public void gate(Gate g) {
    this.gate = g == null ? (peer, svc) -> null : g;
  }

  /** The handler and limits a new connection gets. */
  private record Settings(ConnectionHandler handler, Duration idleTimeout, int maxConnections, int maxPerIp) {}

  /**
   * Gives connections accepted from now on another handler and limits (a reload); open connections keep
   * theirs. A lower connection limit lets the connections over it finish; it only refuses new ones.
   */
  public void reconfigure(ConnectionHandler handler, Duration idleTimeout, int maxConnections, int maxPerIp) {
    settings = new Settings(handler, idleTimeout, maxConnections, maxPerIp);
  }

  private void serve(Socket s) {
    InetAddress peer = s.getInetAddress();
    Settings settings = this.settings;
    ConnectionHandler handler = settings.handler();
    boolean global = active.incrementAndGet() <= settings.maxConnections();
    AtomicInteger count = perIp.computeIfAbsent(peer, k -> new AtomicInteger());
    int n = count.incrementAndGet();
    Connection c = null;
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) settings.idleTimeout().toMillis());
      c = new Connection(service, s, tls);
      open.add(c);
      if (closed) {
        return; // accepted just before the listener closed
      }
      String banned = gate.refusal(peer, service);
      if (implicitTls) {
        c.handshakeImplicit();
      }
      if (banned != null) {
        handler.refuseBanned(c, banned);
      } else if (!global) {
        handler.refuse(c, "too many connections");
      } else if (n > settings.maxPerIp()) {
        handler.refuse(c, "too many connections from " + peer.getHostAddress());
      } else {
        handler.handle(c);
      }
    } catch (SocketException | javax.net.ssl.SSLException e) {
      log.debug("{}: connection from {} ended: {}", service, peer, e.getMessage());
    } catch (java.net.SocketTimeoutException e) {
      log.debug("{}: connection from {} timed out", service, peer);
    } catch (Exception e) {
      log.warn("{}: connection from {} failed", service, peer, e);
    } finally {
      if (c != null) {
        open.remove(c);
        c.close();
      } else {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
      if (count.decrementAndGet() == 0) {
        perIp.remove(peer, count);
      }
      active.decrementAndGet();
    }
  }

  /** The connections open now (a snapshot). */
  public java.util.List<Connection> connections() {
    return java.util.List.copyOf(open);
  }

  /**
   * Ends {@code c} with the protocol's goodbye line for {@code why} (see {@link
   * ConnectionHandler#goodbye}); it is said when the session is between commands, so this returns at
   * once and the session ends on its own thread.
   */
  public void goodbye(Connection c, ConnectionHandler.Goodbye why) {
    String line = settings.handler().goodbye(c, why);
    if (line == null) {
      c.abort();
      return;
    }
    // A thread each: writing the line may block on a client that does not read; the grace time's
    // close() of the socket ends that write.
    Thread.ofVirtual().name(service + "-goodbye").start(() -> c.goodbye(line));
  }

  /** Stops accepting and asks every open session to end ({@link #goodbye}); see {@link #awaitIdle}. */
  public void shutdown() {
    closeServerSocket();
    for (Connection c : connections()) {
      goodbye(c, ConnectionHandler.Goodbye.SHUTDOWN);
    }
  }

  /** Waits until every connection has ended or {@code deadline} (System.nanoTime()) has passed. */
  public boolean awaitIdle(long deadline) throws InterruptedException {
    while (!open.isEmpty()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Stops accepting and closes every connection still open (a message not yet answered 250 is cut). */
  @Override
  public void close() {
    closeServerSocket();
    for (Connection c : connections()) {
      c.abort(); // not close(): its flush would write beside the session thread
    }
  }

  private void closeServerSocket() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
