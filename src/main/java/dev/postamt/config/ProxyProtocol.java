package dev.postamt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [proxy_protocol]}: listeners that sit behind a load balancer or TLS terminator speaking
 * HAProxy's PROXY protocol (v1 text or v2 binary). On a listed listener a connection from one of the
 * {@code from} networks must begin with the header, which names the real client; a connection from
 * anywhere else is served as a direct client and may not send one.
 *
 * @param from the proxies' address blocks: only these may send a header
 * @param listeners the listener names ({@code smtp}, {@code imaps}, …) that expect it
 * @param timeout how long a proxy may take to send its whole header
 */
public record ProxyProtocol(List<Cidr> from, List<String> listeners, Duration timeout) {
  /** The listener names a list may give. */
  static final List<String> NAMES =
      List.of("smtp", "submission", "smtps", "lmtp", "imap", "imaps", "pop3", "pop3s", "managesieve");

  /** Whether {@code listener} expects the header from the {@link #from} networks. */
  public boolean expects(String listener) {
    return listeners.contains(listener) && !from.isEmpty();
  }

  static ProxyProtocol parse(ConfigReader r) {
    r.allowKeys("proxy_protocol", "from", "listeners", "timeout");
    List<Cidr> from = new ArrayList<>();
    for (String s : r.strings("proxy_protocol.from", List.of())) {
      try {
        from.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        r.error("proxy_protocol.from", e.getMessage());
      }
    }
    List<String> listeners = new ArrayList<>();
    for (String s : r.strings("proxy_protocol.listeners", List.of())) {
      if (!NAMES.contains(s)) {
        r.error("proxy_protocol.listeners", "unknown listener \"" + s + "\" (one of " + String.join(", ", NAMES) + ")");
      } else if (!listeners.contains(s)) {
        listeners.add(s);
      }
    }
    if (!listeners.isEmpty() && from.isEmpty() && r.errors.stream().noneMatch(e -> e.startsWith("proxy_protocol.from"))) {
      r.error("proxy_protocol.from", "must name the proxies' addresses when proxy_protocol.listeners is set");
    }
    Duration timeout =
        r.duration("proxy_protocol.timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(5));
    return new ProxyProtocol(List.copyOf(from), List.copyOf(listeners), timeout);
  }
}
