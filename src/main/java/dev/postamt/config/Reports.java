package dev.postamt.config;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code [reports]}: DMARC aggregate (RFC 7489 §7.2) and TLS-RPT (RFC 8460) reports, received and sent
 * (see {@code dev.postamt.reports} and docs/reports.md).
 *
 * @param mailbox the local address whose incoming mail is read as reports (the {@code rua=} target of
 *     our own domains' DMARC and TLS-RPT records); empty: reports are only imported by hand
 * @param organization our name in the reports we send ({@code org_name}); the hostname by default
 * @param email the contact address in the reports we send, and their sender; {@code postmaster@hostname}
 * @param sendDmarc send DMARC aggregate reports daily to the senders whose policies ask for them (off)
 * @param maxUncompressed the most bytes one report may decompress to (a zip bomb stops there)
 */
public record Reports(
    Optional<String> mailbox, String organization, String email, boolean sendDmarc, long maxUncompressed) {
  static Reports parse(ConfigReader r, String hostname) {
    r.allowKeys("reports", "mailbox", "organization", "email", "send_dmarc", "max_uncompressed");
    String mailbox = r.string("reports.mailbox", "").strip().toLowerCase(Locale.ROOT);
    if (!mailbox.isEmpty() && !mailbox.matches("[^@\\s]+@[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
      r.error("reports.mailbox", "must be a local address like \"reports@example.org\", got \"" + mailbox + "\"");
    }
    String organization = r.string("reports.organization", hostname.toLowerCase(Locale.ROOT)).strip();
    if (organization.isEmpty() || organization.chars().anyMatch(Character::isISOControl)) {
      r.error("reports.organization", "must be a name on one line");
    }
    String email = r.string("reports.email", "postmaster@" + hostname.toLowerCase(Locale.ROOT)).strip();
    if (!email.matches("[^@\\s<>]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      r.error("reports.email", "must be an address like \"postmaster@example.org\", got \"" + email + "\"");
    }
    boolean send = r.bool("reports.send_dmarc", false);
    long max = r.size("reports.max_uncompressed", 50L << 20, 1L << 20, 1L << 30);
    return new Reports(mailbox.isEmpty() ? Optional.empty() : Optional.of(mailbox), organization, email, send, max);
  }
}
