package dev.postamt.dns;

import dev.postamt.config.Config;
import dev.postamt.config.Dns;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Picks the resolver the configuration asks for. */
public final class Resolvers {
  private Resolvers() {}

  /**
   * The zone-file resolver when {@code [dns] zone_file} is set, else real DNS with {@code [dns]
   * servers} (or the system's) and {@code [dns] timeout}.
   *
   * @throws UncheckedIOException when the zone file cannot be read or parsed; the message names file
   *     and line
   */
  public static Resolver fromConfig(Config config) {
    Dns dns = config.dns();
    if (dns.zoneFile().isPresent()) {
      try {
        return ZoneFileResolver.load(dns.zoneFile().get()).signed(dns.signedZones());
      } catch (IOException e) {
        throw new UncheckedIOException("dns.zone_file: " + e.getMessage(), e);
      }
    }
    DnsjavaResolver r = new DnsjavaResolver(dns.servers(), dns.timeout());
    if (dns.validateHere()) {
      try {
        return r.validating(dns.trustAnchors().isPresent()
            ? java.nio.file.Files.readString(dns.trustAnchors().get())
            : DnsjavaResolver.ROOT_TRUST_ANCHOR);
      } catch (IOException e) {
        throw new UncheckedIOException("dns.trust_anchors: " + e.getMessage(), e);
      }
    }
    return dns.dnssec() ? r.trustingAd() : r;
  }
}
