package dev.postamt.config;

/**
 * {@code [tlsrpt]}: SMTP TLS Reporting (RFC 8460). Outbound TLS results are always recorded; {@code
 * enabled} turns on sending the daily reports to the domains that ask for them. {@code organization}
 * ({@code organization-name}) and {@code contact} ({@code contact-info}) go into each report; {@code
 * from} is the address report messages come from (its domain is the {@code Submitter}, and signs them
 * when it has a DKIM key). {@code rua} is the address we publish for reports about our own domains, in
 * {@code _smtp._tls.DOMAIN}; {@code {domain}} in it stands for each domain.
 */
public record TlsRpt(boolean enabled, String organization, String contact, String from, String rua) {
  static TlsRpt parse(ConfigReader r, String hostname) {
    r.allowKeys("tlsrpt", "enabled", "organization", "contact", "from", "rua");
    boolean enabled = r.bool("tlsrpt.enabled", false);
    String organization = r.string("tlsrpt.organization", hostname);
    String from = r.string("tlsrpt.from", "postmaster@" + hostname);
    if (!from.matches("[^@\\s<>]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      r.error("tlsrpt.from", "must be an address like postmaster@example.org, got \"" + from + "\"");
    }
    String contact = r.string("tlsrpt.contact", from);
    String rua = r.string("tlsrpt.rua", "mailto:postmaster@{domain}");
    for (String u : rua.split(",")) {
      if (!u.strip().startsWith("mailto:") && !u.strip().startsWith("https://")) {
        r.error("tlsrpt.rua", "each comma-separated entry must be a mailto: or https: URI (RFC 8460 §3), got \"" + u.strip() + "\"");
      }
    }
    return new TlsRpt(enabled, organization, contact, from, rua);
  }

  /** The domain of {@code from}: the report's submitter. */
  public String submitter() {
    return from.substring(from.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  /** The {@code _smtp._tls} TXT record we publish for {@code domain} (RFC 8460 §3). */
  public String record(String domain) {
    return "v=TLSRPTv1; rua=" + rua.replace("{domain}", domain).replace(" ", "");
  }
}
