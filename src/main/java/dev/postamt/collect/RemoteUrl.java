package dev.postamt.collect;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a remote account lives: {@code pop3s://host[:995]} and {@code imaps://host[:993]} (implicit TLS,
 * RFC 8314), or {@code pop3://host[:110]} and {@code imap://host[:143]}, where STARTTLS (RFC 2595) is
 * required unless the account was added with {@code --plaintext}.
 *
 * @param implicitTls TLS from the first byte ({@code pop3s}, {@code imaps})
 */
public record RemoteUrl(Protocol protocol, String host, int port, boolean implicitTls) {

  /** The two protocols we collect from; the name is what the {@code Received:} field says ("with POP3"). */
  public enum Protocol {
    POP3,
    IMAP
  }

  /** Parses a URL as {@code collect add} takes it; a bad one is a {@link CollectException} naming the forms. */
  public static RemoteUrl parse(String text) {
    URI u;
    try {
      u = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw bad(text);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost();
    if (host == null || host.isEmpty() || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))
        || u.getQuery() != null || u.getUserInfo() != null) {
      throw bad(text);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return switch (scheme) {
      case "pop3s" -> new RemoteUrl(Protocol.POP3, host, port(u, 995), true);
      case "pop3" -> new RemoteUrl(Protocol.POP3, host, port(u, 110), false);
      case "imaps" -> new RemoteUrl(Protocol.IMAP, host, port(u, 993), true);
      case "imap" -> new RemoteUrl(Protocol.IMAP, host, port(u, 143), false);
      default -> throw bad(text);
    };
  }

  private static int port(URI u, int def) {
    return u.getPort() > 0 ? u.getPort() : def;
  }

  private static CollectException bad(String text) {
    return new CollectException("not a remote account URL: " + text
        + " (use pop3s://host[:port], imaps://host[:port], pop3://… or imap://… with STARTTLS)");
  }

  /** As {@code collect list} shows it and the store keeps it. */
  @Override
  public String toString() {
    String scheme = (protocol == Protocol.POP3 ? "pop3" : "imap") + (implicitTls ? "s" : "");
    return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
