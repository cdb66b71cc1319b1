package dev.postamt.tlsrpt;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a domain wants its TLS reports: the {@code rua} of its one {@code v=TLSRPTv1} TXT record at
 * {@code _smtp._tls.DOMAIN} (RFC 8460 §3).
 *
 * @param mailto the addresses of the {@code mailto:} URIs
 * @param https the {@code https:} URIs
 */
public record RuaRecord(List<String> mailto, List<URI> https) {
  /** The record of {@code domain}; empty when it has none, several, or one without a usable {@code rua}. */
  public static Optional<RuaRecord> lookup(Resolver dns, String domain) {
    DnsResult<String> r = dns.txt("_smtp._tls." + domain);
    if (r.status() != DnsResult.Status.OK) {
      return Optional.empty();
    }
    // §3: records that do not begin with "v=TLSRPTv1;" are discarded; not exactly one left means none
    List<String> ours = r.records().stream().filter(t -> t.replace(" ", "").startsWith("v=TLSRPTv1;")).toList();
    return ours.size() == 1 ? parse(ours.getFirst()) : Optional.empty();
  }

  /** Parses a record's text; empty when it is not a valid TLSRPTv1 record with a usable {@code rua}. */
  public static Optional<RuaRecord> parse(String txt) {
    String[] fields = txt.split(";");
    if (!fields[0].strip().equals("v=TLSRPTv1")) {
      return Optional.empty();
    }
    List<String> mailto = new ArrayList<>();
    List<URI> https = new ArrayList<>();
    for (int i = 1; i < fields.length; i++) {
      String f = fields[i].strip();
      if (!f.startsWith("rua=")) {
        continue; // extensions (§3: "ext-name=ext-value") are ignored
      }
      for (String u : f.substring(4).split(",")) {
        String uri = u.strip();
        if (uri.regionMatches(true, 0, "mailto:", 0, 7)) {
          String addr = URLDecoder.decode(uri.substring(7).replace("+", "%2B"), StandardCharsets.UTF_8);
          int q = addr.indexOf('?');
          addr = q < 0 ? addr : addr.substring(0, q);
          if (addr.matches("[^@\\s<>]+@[^@\\s<>]+")) {
            mailto.add(addr);
          }
        } else if (uri.regionMatches(true, 0, "https:", 0, 6)) {
          try {
            URI parsed = new URI(uri);
            if (parsed.getHost() != null) {
              https.add(parsed);
            }
          } catch (java.net.URISyntaxException ignored) {
            // a bad URI among good ones: the good ones still get the report
          }
        }
      }
    }
    return mailto.isEmpty() && https.isEmpty() ? Optional.empty() : Optional.of(new RuaRecord(List.copyOf(mailto), List.copyOf(https)));
  }
}
