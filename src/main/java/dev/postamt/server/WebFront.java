package dev.postamt.server;

import dev.postamt.config.Config;
import dev.postamt.directory.DirectoryException;
import dev.postamt.net.TlsContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's HTTP side: the web listener ({@link LazyWeb}), the browser sessions and the JMAP services
 * it makes. Kept apart from {@link Server} because it has a lifecycle of its own: its ports are bound at
 * start, but Jetty, JMAP and the web apps are made at the first connection (issue 27, idle memory), on
 * the thread that waited for it and under none of the server's locks.
 */
final class WebFront {
  /** Logs under {@link Server}, as these lines always have. */
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final Server server;
  /**
   * The HTTP listener (JMAP), when [listen] has http or https; null otherwise. Its ports are bound at
   * start, Jetty and the web apps are made at the first connection (issue 27, idle memory).
   */
  private volatile LazyWeb web;
  /** What JMAP needs beyond the store ({@code data_dir/jmap.db} among it); null until the web listener is made. */
  private volatile dev.postamt.jmap.JmapServices jmap;
  /** Browser sessions ({@code data_dir/web/sessions.db}): opened with the web listener, or by a kick before it. */
  private dev.postamt.web.session.WebSessions webSessions; // guarded by webSessionsLock
  /** Not the server's monitor: the web listener is made under its own lock, which close() and reload take after this one. */
  private final Object webSessionsLock = new Object();

  WebFront(Server server) {
    this.server = server;
  }

  /** The HTTP listeners' bound addresses, for {@code postamt status} (empty when there is none). */
  Map<String, InetSocketAddress> addresses() {
    Map<String, InetSocketAddress> out = new java.util.LinkedHashMap<>();
    LazyWeb w = web;
    if (w != null) {
      for (String service : List.of("http", "https")) {
        w.address(service).ifPresent(a -> out.put(service, a));
      }
    }
    return out;
  }

  /** The address an HTTP service is bound to; empty when there is no web listener. */
  Optional<InetSocketAddress> address(String service) {
    LazyWeb w = web;
    return w == null ? Optional.empty() : w.address(service);
  }

  /** Ends a user's browser sessions ({@code kick}); how many there were. */
  int endSessions(String address) {
    if (web == null) {
      return 0;
    }
    try {
      return webSessions().deleteAll(address);
    } catch (IOException e) {
      log.warn("kick: cannot end the web sessions of {}: {}", address, e.getMessage());
      return 0;
    }
  }

  /**
   * The HTTP listener with the web login and the mounted apps, when [listen] names http or https: its
   * ports are bound now (a port that is taken stops the start), the rest is made at the first connection.
   */
  void start() throws IOException {
    Config config = server.config;
    if (config.listen().get("http").isEmpty() && config.listen().get("https").isEmpty()) {
      return;
    }
    web = LazyWeb.start(dev.postamt.web.WebPorts.bind(config), this::makeWeb);
  }

  /** Whether the HTTP listener has been made (a first connection came); false when there is none. */
  boolean made() {
    LazyWeb w = web;
    return w != null && w.made().isPresent();
  }

  /** The browser sessions' store, opened at its first use. */
  private dev.postamt.web.session.WebSessions webSessions() throws IOException {
    synchronized (webSessionsLock) {
      if (webSessions == null) {
        webSessions = dev.postamt.web.session.WebSessions.open(server.config);
      }
      return webSessions;
    }
  }

  /**
   * Jetty, JMAP and the web apps on the bound {@code ports}: at the first connection to them, on the
   * thread that waited for it. Takes none of the server's own locks ({@link Server#close} and {@link
   * Server#reload} hold the server's monitor while they wait for this).
   */
  private dev.postamt.web.WebServer makeWeb(dev.postamt.web.WebPorts ports) throws IOException {
    long started = System.nanoTime();
    Config config = server.config;
    dev.postamt.web.session.WebSessions sessions = webSessions();
    List<dev.postamt.web.WebApp> apps = new java.util.ArrayList<>();
    // the admin console (/admin/), self-service (/account/) and the webmail (/mail/) mount here
    dev.postamt.jmap.JmapServices services = dev.postamt.jmap.JmapServices.open(config, server.store, server.directory(),
        server.router, server.handlers::submission, server.sieveScripts(), server.vacations());
    try {
      services.learnFromJunk(server.handlers.jmapJunkLearning(config));
      apps.add(new dev.postamt.console.ConsoleApp(() -> server.config));
      if (config.tls().acme()) {
        apps.add(new dev.postamt.acme.ChallengeApp(config.dataDir())); // http-01 answers (RFC 8555 §8.3)
      }
      apps.add(new dev.postamt.account.AccountApp(config, server.directory(), sessions, server.sieveScripts(),
          server.vacations()));
      apps.addAll(dev.postamt.autoconfig.ClientConfigApp.apps(config.hostname(), server::address, d -> {
        try {
          return server.directory().isLocalDomain(d);
        } catch (DirectoryException e) {
          return false; // no answer for now rather than a wrong one
        }
      }));
      server.im2000().ifPresent(i -> apps.add(i.app()));
      apps.add(new dev.postamt.webmail.WebmailApp(new dev.postamt.jmap.Blobs(server.store, config.dataDir().resolve("jmap").resolve("uploads"))));
      dev.postamt.web.WebServer made = dev.postamt.web.WebServer.start(config, ports, server.tls, server.store,
          server.directory(), server.directory(), server.authThrottle(), server.bans::refusal, sessions, apps, services);
      jmap = services;
      log.info("http: web listener made at its first connection in {} ms", (System.nanoTime() - started) / 1_000_000);
      return made;
    } catch (IOException | RuntimeException e) {
      services.close();
      throw e;
    }
  }

  /** JMAP, once made, learns from Junk moves as {@code config} says (a reload; at start makeWeb sets it). */
  void learnFromJunk(Config config) {
    if (jmap != null) {
      jmap.learnFromJunk(server.handlers.jmapJunkLearning(config));
    }
  }

  /** The next TLS handshakes on the HTTP ports use {@code freshTls}. */
  void reloadTls(TlsContext freshTls) throws IOException {
    if (web != null) {
      web.reloadTls(freshTls);
    }
  }

  /** Stops the listener (waiting for one being made at this moment) and closes the browser sessions. */
  void close() {
    if (web != null) {
      web.close(); // waits for a listener being made at this moment
    }
    synchronized (webSessionsLock) {
      if (webSessions != null) {
        webSessions.close();
      }
    }
  }

  /** Closes JMAP's own state; after the store, as the server always has. */
  void closeJmap() {
    if (jmap != null) {
      jmap.close();
    }
  }
}
