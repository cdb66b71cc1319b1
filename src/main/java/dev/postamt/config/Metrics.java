package dev.postamt.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code [metrics]}: who may read {@code GET /metrics} on the HTTP listener without logging in; others
 * get 403. Loopback only by default.
 */
public record Metrics(List<Cidr> networks) {
  static Metrics parse(ConfigReader r) {
    r.allowKeys("metrics", "networks");
    List<Cidr> networks = new ArrayList<>();
    for (String n : r.strings("metrics.networks", List.of("127.0.0.0/8", "::1/128"))) {
      try {
        networks.add(Cidr.parse(n));
      } catch (IllegalArgumentException e) {
        r.error("metrics.networks", e.getMessage());
      }
    }
    return new Metrics(List.copyOf(networks));
  }

  /** Whether {@code a} may read the metrics. */
  public boolean allows(java.net.InetAddress a) {
    return a != null && networks.stream().anyMatch(c -> c.contains(a));
  }
}
