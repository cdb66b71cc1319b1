package dev.postamt.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code [dns]}: with {@code zoneFile} present, DNS answers come from that RFC 1035 master file only. */
public record Dns(Optional<Path> zoneFile, List<String> servers, Duration timeout) {
  static Dns parse(ConfigReader r) {
    r.allowKeys("dns", "zone_file", "servers", "timeout");
    Optional<Path> zone = r.path("dns.zone_file");
    if (zone.isPresent() && !Files.isReadable(zone.get())) {
      r.error("dns.zone_file", "cannot read " + zone.get());
    }
    List<String> servers = r.strings("dns.servers", List.of());
    Duration timeout = r.duration("dns.timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
    return new Dns(zone, servers, timeout);
  }
}
