package dev.postamt.web;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.directory.LoginCheck;
import dev.postamt.jmap.Blobs;
import dev.postamt.jmap.EventStream;
import dev.postamt.jmap.JmapApi;
import dev.postamt.jmap.JmapLimits;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.store.MailStore;
import dev.postamt.web.session.WebSessions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener ({@code [listen] http} and {@code https}): one Jetty server with a connector per
 * configured address. Plain HTTP speaks HTTP/1.1 and HTTP/2 without TLS (h2c, RFC 9113 §3.3 prior
 * knowledge, or the HTTP/1.1 Upgrade); https speaks HTTP/2 and HTTP/1.1 chosen by ALPN (RFC 7301),
 * with the certificate of the mail ports. Requests run on virtual threads (the selectors on a few
 * platform threads); Jetty's error pages are replaced ({@link ErrorPages}) and each request is one line
 * on the {@code http} logger ({@link AccessLog}).
 *
 * <p>A reload's new certificate reaches https at once, as it reaches the mail ports ({@link #reloadTls}).
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  /** Request headers larger than this are refused with 431. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Server jetty;
  private final Map<String, ServerConnector> connectors;
  private final EventStream events;
  private final SslContextFactory.Server ssl;

  private WebServer(Server jetty, Map<String, ServerConnector> connectors, EventStream events, SslContextFactory.Server ssl) {
    this.jetty = jetty;
    this.connectors = connectors;
    this.events = events;
    this.ssl = ssl;
  }

  /**
   * Takes the certificate of {@code fresh} for https handshakes from now on (a reload); connections
   * already open keep theirs.
   */
  public void reloadTls(TlsContext fresh) throws IOException {
    if (ssl == null) {
      return;
    }
    try {
      ssl.reload(f -> f.setSslContext(fresh.sslContext()));
    } catch (Exception e) {
      throw new IOException("https certificate not reloaded: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the listener on the addresses {@code config} gives for {@code http} and {@code https};
   * null when it gives neither.
   *
   * @param gate asked for every request (the ban list)
   */
  public static WebServer start(Config config, TlsContext tls, MailStore store, LoginCheck logins, AuthThrottle throttle,
      Listener.Gate gate) throws IOException {
    return start(config, tls, store, logins instanceof Directory d ? d : null, logins, throttle, gate, null, java.util.List.of());
  }

  /**
   * Starts the listener with the web login ({@code sessions}, checked against {@code directory}) and
   * the mounted {@code apps}; null when {@code config} names neither http nor https.
   *
   * @param directory null: no browser login (the API still takes Basic with {@code logins})
   * @param sessions null: no browser sessions or bearer tokens
   * @param jmap what JMAP needs beyond the store (sending, identities, vacation, Sieve); null: mail only
   */
  public static WebServer start(Config config, TlsContext tls, MailStore store, Directory directory, LoginCheck logins,
      AuthThrottle throttle, Listener.Gate gate, WebSessions sessions, java.util.List<WebApp> apps) throws IOException {
    return start(config, tls, store, directory, logins, throttle, gate, sessions, apps, null);
  }

  /** @param jmap what JMAP needs beyond the store (sending, identities, vacation, Sieve); null: mail only */
  public static WebServer start(Config config, TlsContext tls, MailStore store, Directory directory, LoginCheck logins,
      AuthThrottle throttle, Listener.Gate gate, WebSessions sessions, java.util.List<WebApp> apps,
      dev.postamt.jmap.JmapServices jmap) throws IOException {
    if (config.listen().get("http").isEmpty() && config.listen().get("https").isEmpty()) {
      return null;
    }
    WebPorts ports = WebPorts.bind(config);
    try {
      return start(config, ports, tls, store, directory, logins, throttle, gate, sessions, apps, jmap);
    } catch (IOException | RuntimeException e) {
      ports.close();
      throw e;
    }
  }

  /**
   * As above, on ports bound before ({@link WebPorts}: the server binds them at start and makes the
   * listener at the first connection); Jetty takes them over and closes them when it stops.
   */
  public static WebServer start(Config config, WebPorts ports, TlsContext tls, MailStore store, Directory directory,
      LoginCheck logins, AuthThrottle throttle, Listener.Gate gate, WebSessions sessions, java.util.List<WebApp> apps,
      dev.postamt.jmap.JmapServices jmap) throws IOException {
    JmapLimits limits = JmapLimits.defaults(config.limits().messageSize());
    EventStream events = new EventStream(store);
    CookieSigner signer = CookieSigner.open(config.dataDir().resolve("web").resolve("cookie.key"));
    WebAuth auth = new WebAuth(directory, sessions, signer, new BasicAuth(logins, throttle), throttle);
    java.util.List<WebApp> all = new java.util.ArrayList<>(apps);
    all.add(new MtaStsApp(config.mtaSts(), config.hostname(), directory));
    WebHandler handler = new WebHandler(new JmapApi(store, limits, jmap),
        new Blobs(store, config.dataDir().resolve("jmap").resolve("uploads")), events, auth, gate,
        config.metrics(), all);
    return start(ports, tls, handler, events, config.limits().idleTimeout().toMillis());
  }

  static WebServer start(Optional<InetSocketAddress> http, Optional<InetSocketAddress> https, TlsContext tls,
      WebHandler handler, EventStream events, long idleMillis) throws IOException {
    WebPorts ports = WebPorts.bind(http, https);
    try {
      return start(ports, tls, handler, events, idleMillis);
    } catch (IOException | RuntimeException e) {
      ports.close();
      throw e;
    }
  }

  /** Jetty on the bound {@code ports}: a connector per bound service, started. */
  static WebServer start(WebPorts ports, TlsContext tls, WebHandler handler, EventStream events, long idleMillis)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("http");
    threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory()));
    Server jetty = new Server(threads);
    jetty.setErrorHandler(new ErrorPages());
    jetty.setRequestLog(new AccessLog());
    jetty.setStopTimeout(2000);
    Map<String, ServerConnector> connectors = new LinkedHashMap<>();

    SslContextFactory.Server ssl = null;
    HttpConfiguration plainConfig = httpConfiguration();
    if (ports.channel("http") != null) {
      ServerConnector c = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(plainConfig),
          new HTTP2CServerConnectionFactory(plainConfig));
      configure(c, ports.channel("http"), idleMillis);
      connectors.put("http", c);
    }
    if (ports.channel("https") != null) {
      HttpConfiguration secureConfig = httpConfiguration();
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // the self-signed certificate names addresses, not every host name used
      secure.setSniRequired(false);
      secureConfig.addCustomizer(secure);
      ssl = new SslContextFactory.Server();
      ssl.setSslContext(tls.sslContext());
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      ssl.setIncludeCipherSuites(TlsContext.cipherSuites());
      HttpConnectionFactory h1 = new HttpConnectionFactory(secureConfig);
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(secureConfig);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol(h1.getProtocol());
      ServerConnector c = new ServerConnector(jetty, 1, 1, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
      configure(c, ports.channel("https"), idleMillis);
      connectors.put("https", c);
    }
    connectors.values().forEach(jetty::addConnector);
    jetty.setHandler(handler);
    try {
      jetty.start();
    } catch (Exception e) {
      stopQuietly(jetty);
      throw new IOException("the HTTP listener did not start: " + e.getMessage(), e);
    }
    return new WebServer(jetty, connectors, events, ssl);
  }

  /**
   * Serves {@code connection}, accepted on {@code service}'s port before Jetty took the port over (the
   * connection that made the listener), as Jetty serves the ones it accepts itself.
   */
  public void accepted(String service, java.nio.channels.SocketChannel connection) throws IOException {
    ServerConnector c = connectors.get(service);
    if (c == null) {
      connection.close();
      return;
    }
    connection.configureBlocking(false);
    connection.socket().setTcpNoDelay(true); // what the connector sets on the connections it accepts
    c.getSelectorManager().accept(connection);
  }

  private static HttpConfiguration httpConfiguration() {
    HttpConfiguration h = new HttpConfiguration();
    h.setSendServerVersion(false);
    h.setSendXPoweredBy(false);
    h.setRequestHeaderSize(MAX_HEADER_BYTES);
    return h;
  }

  private static void configure(ServerConnector c, java.nio.channels.ServerSocketChannel bound, long idleMillis)
      throws IOException {
    InetSocketAddress a = (InetSocketAddress) bound.getLocalAddress();
    c.setHost(a.getAddress().getHostAddress());
    c.setPort(a.getPort());
    c.setIdleTimeout(idleMillis);
    c.setReuseAddress(true);
    c.open(bound); // the port stays bound: Jetty accepts on it from its start on
  }

  private static void stopQuietly(Server jetty) {
    try {
      jetty.stop();
    } catch (Exception ignored) {
      // it did not start; nothing to stop
    }
  }

  /** The address {@code service} ({@code http}, {@code https}) is bound to, with the real port. */
  public Optional<InetSocketAddress> address(String service) {
    ServerConnector c = connectors.get(service);
    if (c == null || c.getLocalPort() <= 0) {
      return Optional.empty();
    }
    return Optional.of(new InetSocketAddress(c.getHost(), c.getLocalPort()));
  }

  /** Stops accepting, lets running requests finish for a moment, then closes every connection. */
  @Override
  public void close() {
    events.closeAll();
    try {
      jetty.stop();
    } catch (Exception e) {
      log.warn("http: stopping: {}", e.toString());
    }
  }
}
