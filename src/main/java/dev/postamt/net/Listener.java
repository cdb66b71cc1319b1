package dev.postamt.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
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
  /** {@code [proxy_protocol]} when it names this listener, else null. */
  private final dev.postamt.config.ProxyProtocol proxy;

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
      ConnectionHandler handler,
      dev.postamt.config.ProxyProtocol proxy) {
    this.service = service;
    this.proxy = proxy != null && proxy.expects(service) ? proxy : null;
    this.server = server;
    this.tls = tls;
    this.implicitTls = implicitTls;
    this.settings = new Settings(handler, idleTimeout, maxConnections, maxPerIp, 0, java.util.List.of());
    // A virtual thread, as the sessions are: a platform thread blocked in accept costs ~90 KB of stack
    // that stays resident (the JVM's stack-banging zone) and eight of them were ~0.7 MB of every idle
    // server (issue 27); closing the socket ends the accept either way.
    this.acceptor = Thread.ofVirtual().name(service + "-accept").unstarted(this::acceptLoop);
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
    return open(service, address, tls, implicitTls, idleTimeout, maxConnections, maxPerIp, handler, gate, null);
  }

  /**
   * As above; when {@code proxy} names this listener, a connection from its {@code from} networks
   * must begin with a PROXY header ({@link ProxyHeader}), and one from elsewhere may not send one.
   */
  public static Listener open(
      String service,
      InetSocketAddress address,
      TlsContext tls,
      boolean implicitTls,
      Duration idleTimeout,
      int maxConnections,
      int maxPerIp,
      ConnectionHandler handler,
      Gate gate,
      dev.postamt.config.ProxyProtocol proxy)
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
    Listener l = new Listener(service, ss, tls, implicitTls, idleTimeout, maxConnections, maxPerIp, handler, proxy);
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
  private record Settings(
      ConnectionHandler handler, Duration idleTimeout, int maxConnections, int maxPerIp, int ratePerMinute,
      java.util.List<dev.postamt.config.Cidr> rateExempt) {}

  /**
   * Limits how many connections one client (an IPv4 address, an IPv6 /64) may open per minute, like
   * Postfix's anvil ({@code smtpd_client_connection_rate_limit}); clients in {@code exempt} (the relay
   * networks) are not counted. 0 lifts the limit. Kept across {@link #reconfigure}.
   */
  public void rateLimit(int perMinute, java.util.List<dev.postamt.config.Cidr> exempt) {
    Settings s = settings;
    settings = new Settings(s.handler(), s.idleTimeout(), s.maxConnections(), s.maxPerIp(), perMinute, java.util.List.copyOf(exempt));
  }

  /**
   * Gives connections accepted from now on another handler and limits (a reload); open connections keep
   * theirs. A lower connection limit lets the connections over it finish; it only refuses new ones.
   */
  public void reconfigure(ConnectionHandler handler, Duration idleTimeout, int maxConnections, int maxPerIp) {
    Settings s = settings;
    settings = new Settings(handler, idleTimeout, maxConnections, maxPerIp, s.ratePerMinute(), s.rateExempt());
  }

  private void serve(Socket s) {
    InetAddress peer = s.getInetAddress();
    Settings settings = this.settings;
    ConnectionHandler handler = settings.handler();
    boolean global = active.incrementAndGet() <= settings.maxConnections();
    AtomicInteger count = null;
    Connection c = null;
    try {
      s.setTcpNoDelay(true);
      Optional<ProxyHeader.Addresses> real = Optional.empty();
      boolean fromProxy = proxy != null && proxy.from().stream().anyMatch(b -> b.contains(s.getInetAddress()));
      if (fromProxy) {
        try {
          real = ProxyHeader.read(s, proxy.timeout());
        } catch (ProxyHeader.Malformed e) {
          log.info("proxy_protocol: refused {} connection from {}: {}", service, peer.getHostAddress(), e.getMessage());
          return;
        }
        if (real.isPresent()) {
          peer = real.get().source().getAddress();
        }
      }
      count = perIp.computeIfAbsent(peer, k -> new AtomicInteger());
      int n = count.incrementAndGet();
      s.setSoTimeout((int) settings.idleTimeout().toMillis());
      c = new Connection(service, s, tls);
      real.ifPresent(c::proxied);
      if (proxy != null && !fromProxy) {
        c.refuseProxyHeader();
      }
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
        log.info("{}: refused {}: {} connections at once (limits.connections_per_ip)", service, peer.getHostAddress(), n);
        handler.refuse(c, "too many connections from " + peer.getHostAddress());
      } else if (overRate(peer, settings)) {
        log.info("{}: refused {}: more than {} connections a minute (limits.connection_rate_per_ip)", service,
            peer.getHostAddress(), settings.ratePerMinute());
        handler.refuse(c, "too many connections from " + peer.getHostAddress());
      } else {
        handler.handle(c);
      }
    } catch (Connection.ProxyHeaderRefused e) {
      log.debug("{}: {}", service, e.getMessage()); // logged at INFO where it was found
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
      if (count != null && count.decrementAndGet() == 0) {
        perIp.remove(peer, count);
      }
      active.decrementAndGet();
    }
  }

  /** Connection times per client network in the last minute, for {@link #rateLimit}. */
  private final ConcurrentHashMap<InetAddress, java.util.ArrayDeque<Long>> recent = new ConcurrentHashMap<>();

  /** Counts this connection and says whether the client has opened more than its rate allows this minute. */
  private boolean overRate(InetAddress peer, Settings settings) {
    int limit = settings.ratePerMinute();
    if (limit <= 0 || settings.rateExempt().stream().anyMatch(b -> b.contains(peer))) {
      return false;
    }
    InetAddress key = AuthThrottle.network(peer);
    long now = System.nanoTime();
    long minute = Duration.ofMinutes(1).toNanos();
    if (recent.size() >= AuthThrottle.MAX_KEYS && !recent.containsKey(key)) {
      recent.entrySet().removeIf(e -> {
        synchronized (e.getValue()) {
          return e.getValue().isEmpty() || now - e.getValue().peekLast() >= minute;
        }
      });
    }
    java.util.ArrayDeque<Long> d = recent.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
    synchronized (d) {
      while (!d.isEmpty() && now - d.peekFirst() >= minute) {
        d.removeFirst();
      }
      d.addLast(now);
      while (d.size() > limit + 1) {
        d.removeFirst();
      }
      return d.size() > limit;
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
