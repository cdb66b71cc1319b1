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
 * validated (for tests of DANE). {@code validateHere} ({@code dnssec_validation = "postamt"}): validate
 * DNSSEC inside Postamt (dnsjava's validating resolver, RFC 4035) from {@code trustAnchors} (DS or
 * DNSKEY records in zone-file form; by default the root zone's KSK-2017), so the servers need not
 * validate and the path to them need not be trusted.
 */
public record Dns(Optional<Path> zoneFile, List<String> servers, Duration timeout, boolean dnssec, List<String> signedZones,
    boolean validateHere, Optional<Path> trustAnchors) {
  public Dns(Optional<Path> zoneFile, List<String> servers, Duration timeout) {
    this(zoneFile, servers, timeout, false, List.of(), false, Optional.empty());
  }

  static Dns parse(ConfigReader r) {
    r.allowKeys("dns", "zone_file", "servers", "timeout", "dnssec", "signed_zones", "dnssec_validation", "trust_anchors");
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
    String validation = r.string("dns.dnssec_validation", "resolver");
    if (!validation.equals("resolver") && !validation.equals("postamt")) {
      r.error("dns.dnssec_validation", "must be \"resolver\" (trust the AD bit of the servers) or \"postamt\" (validate here), got \""
          + validation + "\"");
    }
    boolean here = validation.equals("postamt");
    Optional<Path> anchors = r.path("dns.trust_anchors");
    if (anchors.isPresent() && !Files.isReadable(anchors.get())) {
      r.error("dns.trust_anchors", "cannot read " + anchors.get());
    }
    if (anchors.isPresent() && !here) {
      r.error("dns.trust_anchors", "only means something with dns.dnssec_validation = \"postamt\"");
    }
    return new Dns(zone, servers, timeout, dnssec || !signed.isEmpty() || here, signed, here, anchors);
  }
}
