package dev.postamt.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code [dns]}: with {@code zoneFile} present, DNS answers come from that RFC 1035 master file only.
 * {@code dnssec}: the servers validate DNSSEC and their AD bit is trusted (as Postfix's {@code
 * smtp_dns_support_level = dnssec}: use a validating resolver on this machine, e.g. unbound); it turns
 * on DANE for outbound mail. {@code signedZones}: with a zone file, the zones whose answers count as
 * validated (for tests of DANE).
 */
public record Dns(Optional<Path> zoneFile, List<String> servers, Duration timeout, boolean dnssec, List<String> signedZones) {
  public Dns(Optional<Path> zoneFile, List<String> servers, Duration timeout) {
    this(zoneFile, servers, timeout, false, List.of());
  }

  static Dns parse(ConfigReader r) {
    r.allowKeys("dns", "zone_file", "servers", "timeout", "dnssec", "signed_zones");
    Optional<Path> zone = r.path("dns.zone_file");
    if (zone.isPresent() && !Files.isReadable(zone.get())) {
      r.error("dns.zone_file", "cannot read " + zone.get());
    }
    List<String> servers = r.strings("dns.servers", List.of());
    Duration timeout = r.duration("dns.timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
    boolean dnssec = r.bool("dns.dnssec", false);
    List<String> signed = r.strings("dns.signed_zones", List.of()).stream()
        .map(z -> z.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "")).toList();
    if (!signed.isEmpty() && zone.isEmpty()) {
      r.error("dns.signed_zones", "only means something with dns.zone_file (real DNS is validated by the servers: dns.dnssec)");
    }
    return new Dns(zone, servers, timeout, dnssec || !signed.isEmpty(), signed);
  }
}
