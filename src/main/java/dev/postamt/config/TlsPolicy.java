package dev.postamt.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.TomlTable;

/**
 * {@code [tls_policy]}: the TLS security level per destination for outbound mail, like Postfix's {@code
 * smtp_tls_policy_maps}. Keys are next-hop domains (the recipient domain for MX delivery, the host of a
 * relayhost or {@code [transport]} entry), {@code ".domain"} for its subdomains, or {@code "*"};
 * values are levels. A destination without an entry is sent to opportunistically ({@code may}), or as
 * its MTA-STS policy (RFC 8461) asks when {@code [mta_sts] enabled}.
 *
 * <p>{@code [delivery] tls_trust} (a PEM file of CA or server certificates) is trusted for {@code
 * verify} and {@code secure} next to the JDK's trust store, and for fetching MTA-STS policies.
 */
public record TlsPolicy(Map<String, Level> levels, Optional<Path> trust) {
  /** Postfix's levels (postfix TLS_README "Client TLS security levels"). */
  public enum Level {
    /** Never STARTTLS. */
    NONE("none"),
    /** STARTTLS when offered, any certificate; plain text when TLS fails. */
    MAY("may"),
    /** STARTTLS required, any certificate. */
    ENCRYPT("encrypt"),
    /** STARTTLS required, a certificate chain we trust naming the MX host (as found in DNS). */
    VERIFY("verify"),
    /** STARTTLS required, a certificate we trust naming the next-hop domain itself (not the MX name DNS gave). */
    SECURE("secure"),
    /**
     * DANE (RFC 7672) where the MX host has DNSSEC-validated TLSA records: authenticated by them when
     * usable, TLS without authentication when none is usable; elsewhere as {@code may}. Needs {@code
     * [dns] dnssec}.
     */
    DANE("dane"),
    /** DANE required: a host without usable validated TLSA records is not used. */
    DANE_ONLY("dane-only");

    private final String word;

    Level(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    /** Whether mail must not go without TLS. */
    public boolean mandatory() {
      return this == ENCRYPT || this == VERIFY || this == SECURE;
    }

    /** Whether the certificate is checked. */
    public boolean verifies() {
      return this == VERIFY || this == SECURE;
    }

    static Optional<Level> of(String s) {
      for (Level l : values()) {
        if (l.word.equals(s)) {
          return Optional.of(l);
        }
      }
      return Optional.empty();
    }
  }

  public static final TlsPolicy DEFAULT = new TlsPolicy(Map.of(), Optional.empty());

  static TlsPolicy parse(ConfigReader r) {
    Optional<Path> trust = r.path("delivery.tls_trust");
    if (r.toml.contains(r.keyPath("tls_policy")) && !r.toml.isTable(r.keyPath("tls_policy"))) {
      r.error("tls_policy", "must be a table [tls_policy]");
      return new TlsPolicy(Map.of(), trust);
    }
    if (!r.toml.isTable(r.keyPath("tls_policy"))) {
      return new TlsPolicy(Map.of(), trust);
    }
    TomlTable t = r.toml.getTable(r.keyPath("tls_policy"));
    Map<String, Level> levels = new LinkedHashMap<>();
    for (String k : t.keySet()) {
      String key = "tls_policy.\"" + k + "\"";
      if (!(t.get(List.of(k)) instanceof String s)) {
        r.error(key, "must be a level: none, may, encrypt, dane, dane-only, verify or secure");
        continue;
      }
      String domain = k.toLowerCase(Locale.ROOT);
      if (!domain.equals("*") && !domain.matches("\\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        r.error(key, "key must be a domain, \".domain\" or \"*\"");
        continue;
      }
      String v = s.strip().toLowerCase(Locale.ROOT);
      Optional<Level> level = Level.of(v);
      if (level.isEmpty()) {
        r.error(key, "must be one of none, may, encrypt, dane, dane-only, verify, secure, got \"" + s + "\"");
        continue;
      }
      levels.put(domain, level.get());
      r.note(key, ConfigReader.quote(v));
    }
    if (!r.bool("dns.dnssec", false) && r.strings("dns.signed_zones", List.of()).isEmpty()) {
      levels.forEach((d, l) -> {
        if (l == Level.DANE || l == Level.DANE_ONLY) {
          r.error("tls_policy.\"" + d + "\"", "\"" + l.word() + "\" needs validated DNS: set [dns] dnssec = true with a validating resolver (e.g. unbound on this machine)");
        }
      });
    }
    return new TlsPolicy(Map.copyOf(levels), trust);
  }

  /** The level for a next hop: the exact name, then ".parent" entries from the closest parent up, then "*". */
  public Optional<Level> levelFor(String nexthop) {
    String d = nexthop.toLowerCase(Locale.ROOT);
    Level exact = levels.get(d);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
      Level parent = levels.get(d.substring(dot));
      if (parent != null) {
        return Optional.of(parent);
      }
    }
    return Optional.ofNullable(levels.get("*"));
  }
}
