package dev.postamt.config;

import java.util.Locale;
import java.util.Optional;

/**
 * One {@code [transport]} entry, like a Postfix transport(5) value: how mail for a domain leaves.
 *
 * <ul>
 *   <li>{@code smtp:host} / {@code smtp:host:port}: SMTP to the MX hosts of {@code host};
 *   <li>{@code smtp:[host]:port}: SMTP to that host itself, no MX lookup;
 *   <li>{@code lmtp:host:port}: LMTP (RFC 2033), e.g. to another mailbox server;
 *   <li>{@code local}: our own mailboxes (the local part is looked up as a user of the hostname);
 *   <li>{@code discard}: accepted and dropped, reported as delivered;
 *   <li>{@code error:text}: bounced with that text.
 * </ul>
 */
public sealed interface TransportRule {
  /** @param port empty: {@code delivery.remote_port} */
  record Smtp(String host, Optional<Integer> port, boolean mxLookup) implements TransportRule {}

  record Lmtp(String host, int port) implements TransportRule {}

  record Local() implements TransportRule {}

  record Discard() implements TransportRule {}

  record Error(String text) implements TransportRule {}

  /** @throws IllegalArgumentException with a message fit for a config error */
  static TransportRule parse(String value) {
    String v = value.trim();
    int colon = v.indexOf(':');
    String kind = (colon < 0 ? v : v.substring(0, colon)).toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? "" : v.substring(colon + 1).trim();
    return switch (kind) {
      case "local" -> new Local();
      case "discard" -> new Discard();
      case "error" -> new Error(rest.isEmpty() ? "mail for this domain is not accepted" : rest);
      case "smtp" -> {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException("\"smtp:\" needs a host, e.g. \"smtp:[mail.example.org]:25\"");
        }
        HostPort hp = HostPort.parse(rest);
        yield new Smtp(hp.host(), hp.port(), !hp.bracketed());
      }
      case "lmtp" -> {
        HostPort hp = HostPort.parse(rest);
        if (hp.port().isEmpty() || hp.host().isEmpty()) {
          throw new IllegalArgumentException("\"lmtp:\" needs host and port, e.g. \"lmtp:127.0.0.1:24\"");
        }
        yield new Lmtp(hp.host(), hp.port().get());
      }
      default ->
          throw new IllegalArgumentException(
              "\"" + value + "\" is not smtp:host[:port], smtp:[host]:port, lmtp:host:port, local, discard or error:text");
    };
  }

  /** "host", "host:port", "[host]", "[host]:port"; brackets mean "this host, not its MX". */
  record HostPort(String host, Optional<Integer> port, boolean bracketed) {
    public static HostPort parse(String s) {
      String v = s.trim();
      boolean bracketed = v.startsWith("[");
      String host;
      String portText = null;
      if (bracketed) {
        int close = v.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("missing ']' in \"" + s + "\"");
        }
        host = v.substring(1, close);
        String after = v.substring(close + 1);
        if (!after.isEmpty()) {
          if (!after.startsWith(":")) {
            throw new IllegalArgumentException("expected \":port\" after ']' in \"" + s + "\"");
          }
          portText = after.substring(1);
        }
      } else {
        int c = v.lastIndexOf(':');
        host = c < 0 ? v : v.substring(0, c);
        portText = c < 0 ? null : v.substring(c + 1);
      }
      if (!host.matches("[A-Za-z0-9.:-]+")) {
        throw new IllegalArgumentException("bad host name in \"" + s + "\"");
      }
      Optional<Integer> port = Optional.empty();
      if (portText != null) {
        if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
          throw new IllegalArgumentException("bad port in \"" + s + "\"");
        }
        port = Optional.of(Integer.parseInt(portText));
      }
      return new HostPort(host.toLowerCase(Locale.ROOT), port, bracketed);
    }
  }
}
