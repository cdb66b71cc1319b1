package dev.postamt.web;

import dev.postamt.net.Listener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP listener's ports ({@code [listen] http}, {@code https}), bound before Jetty is made: the
 * server binds them at start, so a port that is taken still stops the start with one line naming it,
 * and Jetty takes the bound channels over when the first connection comes ({@link WebServer#start(WebPorts,
 * dev.postamt.net.TlsContext, WebHandler, dev.postamt.jmap.EventStream, long)}; issue 27, idle memory).
 */
public final class WebPorts implements AutoCloseable {
  /** The listener's logger: the {@code http listening on …} lines stay where they were. */
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WebServer.class);
  private final Map<String, ServerSocketChannel> channels;

  private WebPorts(Map<String, ServerSocketChannel> channels) {
    this.channels = channels;
  }

  /** Binds the addresses {@code config} gives for http and https (none: an empty set of ports). */
  public static WebPorts bind(dev.postamt.config.Config config) throws IOException {
    return bind(config.listen().get("http"), config.listen().get("https"));
  }

  /** Binds {@code http} and {@code https} where given; a port that cannot be bound is one line naming it. */
  public static WebPorts bind(Optional<InetSocketAddress> http, Optional<InetSocketAddress> https) throws IOException {
    Map<String, ServerSocketChannel> bound = new LinkedHashMap<>();
    WebPorts ports = new WebPorts(bound);
    try {
      if (http.isPresent()) {
        bound.put("http", bind("http", http.get()));
      }
      if (https.isPresent()) {
        bound.put("https", bind("https", https.get()));
      }
    } catch (IOException | RuntimeException e) {
      ports.close();
      throw e;
    }
    for (String service : bound.keySet()) {
      log.info("{} listening on {}", service, ports.address(service).orElseThrow());
    }
    return ports;
  }

  private static ServerSocketChannel bind(String service, InetSocketAddress a) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(a, 0); // the backlog Jetty's connector used when it bound the port itself (the JDK's default)
      return ch;
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot listen on " + a.getHostString() + ":" + a.getPort() + " for " + service + ": "
          + e.getMessage() + Listener.bindHint(e, a, service), e);
    }
  }

  /** The services bound ({@code http}, {@code https}), in that order. */
  public Set<String> services() {
    return channels.keySet();
  }

  /** The bound channel of {@code service}; null when it is not configured. */
  public ServerSocketChannel channel(String service) {
    return channels.get(service);
  }

  /** The address {@code service} is bound to, with the real port (empty when it is not configured or closed). */
  public Optional<InetSocketAddress> address(String service) {
    ServerSocketChannel ch = channels.get(service);
    try {
      return ch == null || !ch.isOpen() ? Optional.empty() : Optional.of((InetSocketAddress) ch.getLocalAddress());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Closes every port (Jetty, when it took them over, closes them itself as it stops). */
  @Override
  public void close() {
    for (ServerSocketChannel ch : channels.values()) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a listening socket fails only when it is gone already
      }
    }
  }
}
