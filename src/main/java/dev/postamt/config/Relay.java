package dev.postamt.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code [relay]}: like Postfix {@code mynetworks}, {@code relayhost} and {@code relay_domains}. With a
 * relayhost user, the password comes from {@code relayhost_password} or, read at each use, from the
 * first line of {@code relayhost_password_file}.
 */
public record Relay(
    List<Cidr> networks,
    Optional<String> relayhost,
    List<String> relayDomains,
    Optional<String> relayhostUser,
    Optional<String> relayhostPassword,
    Optional<Path> relayhostPasswordFile) {
  public Relay(List<Cidr> networks, Optional<String> relayhost, List<String> relayDomains) {
    this(networks, relayhost, relayDomains, Optional.empty(), Optional.empty(), Optional.empty());
  }

  static Relay parse(ConfigReader r) {
    r.allowKeys(
        "relay",
        "networks",
        "relayhost",
        "relay_domains",
        "relayhost_user",
        "relayhost_password",
        "relayhost_password_file");
    List<Cidr> networks = new ArrayList<>();
    for (String n : r.strings("relay.networks", List.of("127.0.0.0/8", "::1/128"))) {
      try {
        networks.add(Cidr.parse(n));
      } catch (IllegalArgumentException e) {
        r.error("relay.networks", e.getMessage());
      }
    }
    String relayhost = r.string("relay.relayhost", "");
    if (!relayhost.isEmpty() && !relayhost.matches("\\[?[A-Za-z0-9.:-]+\\]?(:\\d{1,5})?")) {
      r.error("relay.relayhost", "must be \"host\" or \"host:port\", got \"" + relayhost + "\"");
    }
    List<String> relayDomains =
        r.strings("relay.relay_domains", List.of()).stream().map(String::toLowerCase).toList();
    String user = r.string("relay.relayhost_user", "");
    String password = r.string("relay.relayhost_password", "");
    Optional<Path> passwordFile = r.path("relay.relayhost_password_file");
    if (!password.isEmpty() && passwordFile.isPresent()) {
      r.error("relay.relayhost_password", "give relayhost_password or relayhost_password_file, not both");
    }
    if (!user.isEmpty() && password.isEmpty() && passwordFile.isEmpty()) {
      r.error("relay.relayhost_user", "needs relay.relayhost_password or relay.relayhost_password_file");
    }
    if (user.isEmpty() && (!password.isEmpty() || passwordFile.isPresent())) {
      r.error("relay.relayhost_user", "a relayhost password needs relay.relayhost_user");
    }
    if (!user.isEmpty() && relayhost.isEmpty()) {
      r.error("relay.relayhost_user", "set only together with relay.relayhost");
    }
    passwordFile
        .filter(p -> !Files.isReadable(p))
        .ifPresent(p -> r.error("relay.relayhost_password_file", "cannot read " + p));
    return new Relay(
        List.copyOf(networks),
        optional(relayhost),
        relayDomains,
        optional(user),
        optional(password),
        passwordFile);
  }

  private static Optional<String> optional(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
