package dev.postamt.server;

import dev.postamt.net.TlsContext;
import dev.postamt.web.WebPorts;
import dev.postamt.web.WebServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener made at its first connection instead of at start (issue 27, idle memory), as {@link
 * LazyHandler} makes the IMAP, POP3 and ManageSieve handlers: the ports are bound at start (a port that
 * is taken still stops the start), one thread waits on them, and the first connection to either makes
 * Jetty, the web apps and JMAP, hands them the ports and that connection, and the thread ends. A server
 * that only takes mail never loads Jetty and the web (~550 classes, 5.7 MB of the AOT cache, two threads,
 * 9–13 MB of an idle server in all; bench/README.md, 2026-12-05 20:31).
 * When the listener cannot be made the connection that asked is closed, the log says why, and the next
 * connection tries again.
 */
final class LazyWeb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LazyWeb.class);

  /** Makes the listener on the bound ports; called once, by the first connection (or again after a failure). */
  interface Maker {
    WebServer make(WebPorts ports) throws IOException;
  }

  private final WebPorts ports;
  private final Maker maker;
  /** What the waiting thread waits on: the ports' accept readiness; a new one after a failed start. */
  private volatile Selector selector;
  private WebServer made; // guarded by this
  private boolean closed; // guarded by this

  private LazyWeb(WebPorts ports, Maker maker) throws IOException {
    this.ports = ports;
    this.maker = maker;
    this.selector = register(ports);
  }

  /** A selector for the ports' first connection; null when a port is closed. */
  private static Selector register(WebPorts ports) throws IOException {
    Selector s = Selector.open();
    try {
      for (String service : ports.services()) {
        ServerSocketChannel ch = ports.channel(service);
        if (!ch.isOpen()) {
          s.close();
          return null;
        }
        ch.configureBlocking(false);
        ch.register(s, SelectionKey.OP_ACCEPT, service);
      }
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Waits on the bound {@code ports} for their first connection on a thread of its own; null when
   * there is nothing to listen on.
   */
  static LazyWeb start(WebPorts ports, Maker maker) throws IOException {
    if (ports.services().isEmpty()) {
      ports.close();
      return null;
    }
    LazyWeb w;
    try {
      w = new LazyWeb(ports, maker);
    } catch (IOException | RuntimeException e) {
      ports.close();
      throw e;
    }
    // A platform thread: a virtual one blocked in Selector.select would hold a carrier all the while.
    Thread.ofPlatform().daemon().name("http-wait").stackSize(256 * 1024).start(w::awaitFirst);
    return w;
  }

  private void awaitFirst() {
    try {
      while (true) {
        Selector sel = selector;
        if (sel == null) {
          return;
        }
        sel.select();
        for (SelectionKey key : java.util.List.copyOf(sel.selectedKeys())) {
          SocketChannel first = ((ServerSocketChannel) key.channel()).accept();
          if (first != null) {
            if (serve((String) key.attachment(), first)) {
              return;
            }
            break; // a failed start: wait again on the new selector
          }
        }
        if (sel.isOpen()) {
          sel.selectedKeys().clear();
        }
      }
    } catch (ClosedSelectorException e) {
      // closed before a first connection came
    } catch (IOException e) {
      synchronized (this) {
        if (!closed) {
          log.error("http: the listener stopped waiting for its first connection: {}", e.toString());
        }
      }
    } finally {
      closeSelector();
    }
  }

  /** Makes the listener and hands it {@code first}; true when the waiting is over (made, or closed). */
  private boolean serve(String service, SocketChannel first) {
    WebServer w;
    synchronized (this) {
      if (closed) {
        closeQuietly(first);
        return true;
      }
      try {
        closeSelector(); // Jetty takes the ports over in blocking mode: no selector may hold them then
        made = maker.make(ports);
        w = made;
      } catch (IOException | RuntimeException e) {
        log.error("http: cannot start the web listener (tried again at the next connection): {}", e.toString(), e);
        closeQuietly(first);
        return !reopenSelector();
      }
    }
    try {
      w.accepted(service, first);
    } catch (IOException e) {
      log.warn("http: the first connection could not be served: {}", e.toString());
      closeQuietly(first);
    }
    return true;
  }

  /** Waits on the ports again after a failed start; false when they are gone (the log says so). */
  private boolean reopenSelector() {
    try {
      selector = register(ports);
    } catch (IOException e) {
      log.error("http: cannot wait for connections again, the web listener is off until a restart: {}", e.toString());
      return false;
    }
    if (selector == null) {
      log.error("http: a failed start closed the ports; the web listener is off until a restart");
      return false;
    }
    return true;
  }

  private void closeSelector() {
    Selector s = selector;
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing registered is lost: the ports stay open
    }
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // the client went away
    }
  }

  /** The listener, if a connection has made it. */
  synchronized Optional<WebServer> made() {
    return Optional.ofNullable(made);
  }

  /** The address {@code service} ({@code http}, {@code https}) is bound to, made or not. */
  Optional<InetSocketAddress> address(String service) {
    return ports.address(service);
  }

  /** A reloaded certificate: for https handshakes from now on when the listener is made (else it is made with it). */
  void reloadTls(TlsContext fresh) throws IOException {
    WebServer w;
    synchronized (this) {
      w = made;
    }
    if (w != null) {
      w.reloadTls(fresh);
    }
  }

  /** Stops the listener (made or not) and frees its ports; waits for a listener being made. */
  @Override
  public void close() {
    WebServer w;
    synchronized (this) {
      closed = true;
      w = made;
    }
    closeSelector();
    if (w != null) {
      w.close();
    }
    ports.close();
  }
}
