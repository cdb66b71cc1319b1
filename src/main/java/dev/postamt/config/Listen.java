package dev.postamt.config;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code [listen]}: services and the addresses they listen on. Without the section every service runs
 * on its standard port; with it, only the services it names run (an absent key disables that service).
 */
public record Listen(Map<String, InetSocketAddress> services, List<String> notBuiltYet) {
  public Listen(Map<String, InetSocketAddress> services) {
    this(services, List.of());
  }

  public static final List<String> KNOWN =
      List.of("smtp", "submission", "smtps", "imap", "imaps", "pop3", "pop3s", "lmtp", "managesieve", "http", "https");

  /**
   * Services INTERFACE.md names for work not built yet: accepted (a config written for a later build
   * still loads) but named by {@code config check} and in a warning at start, never silently ignored.
   */
  static final List<String> NOT_YET = List.of();

  /** One line per requested service this build does not have, for {@code config check} and the log. */
  public List<String> warnings() {
    return notBuiltYet.stream()
        .map(svc -> "listen." + svc + ": the " + svc + " service is not available in this build yet; not served")
        .toList();
  }

  public Optional<InetSocketAddress> get(String service) {
    return Optional.ofNullable(services.get(service));
  }

  static Listen parse(ConfigReader r) {
    List<String> notBuilt = NOT_YET.stream().filter(svc -> r.toml.contains(r.keyPath("listen." + svc))).toList();
    r.allowKeys("listen", java.util.stream.Stream.concat(KNOWN.stream(), NOT_YET.stream()).toArray(String[]::new));
    Map<String, InetSocketAddress> services = new LinkedHashMap<>();
    boolean given = r.toml.isTable(r.keyPath("listen"));
    for (String svc : KNOWN) {
      String v = r.string("listen." + svc, given ? null : standardAddress(svc));
      if (v != null && !v.isEmpty()) {
        InetSocketAddress a = Config.parseAddress(v);
        if (a == null) {
          r.error("listen." + svc, "must be \"address:port\" with port 0-65535, got \"" + v + "\"");
        } else if (a.isUnresolved()) {
          r.error("listen." + svc, "\"" + a.getHostString() + "\" is neither an IP address nor a name that resolves");
        } else {
          services.put(svc, a);
        }
      }
    }
    return new Listen(services, notBuilt);
  }

  /** The address a service listens on when the config has no {@code [listen]} section. */
  static String standardAddress(String svc) {
    return switch (svc) {
      case "smtp" -> "0.0.0.0:25";
      case "submission" -> "0.0.0.0:587";
      case "smtps" -> "0.0.0.0:465";
      case "imap" -> "0.0.0.0:143";
      case "imaps" -> "0.0.0.0:993";
      case "pop3" -> "0.0.0.0:110";
      case "pop3s" -> "0.0.0.0:995";
      case "managesieve" -> "0.0.0.0:4190"; // RFC 5804 §1.8
      case "http" -> "127.0.0.1:8080"; // INTERFACE.md: the console and API only from this machine by default
      default -> null;
    };
  }
}
