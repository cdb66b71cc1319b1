package dev.postamt.smtp;

import java.io.IOException;

/**
 * The BURL command of message submission (RFC 4468): {@code BURL <absolute-URI> [LAST]} adds the
 * message, or the part of one, that an IMAP URL names, as a BDAT chunk would (RFC 3030); BURL and BDAT
 * may be mixed, and the {@code LAST} one ends the message. The session runs the transaction; this class
 * parses the command, fetches the content through the {@link BurlResolver} and turns each failure into
 * the reply RFC 4468 §6 suggests. A failed BURL fails the whole transaction (§3.2).
 */
final class Burl {
  private Burl() {}

  /** The EHLO keyword (RFC 4468 §3.1): {@code imap} for URLAUTH URLs, after AUTH also this server's plain URLs. */
  static String ehloKeyword(boolean authenticated, String hostname) {
    return authenticated ? "BURL imap imap://" + hostname : "BURL imap";
  }

  record Request(String url, boolean last) {}

  /** {@code burl-cmd = "BURL" SP absolute-URI [SP end-marker]} (RFC 4468 §3.5). */
  static Request parse(String arg) throws SmtpException {
    String[] p = arg.trim().split(" +");
    if (p.length < 1 || p.length > 2 || p[0].isEmpty() || !p[0].contains(":")
        || (p.length == 2 && !p[1].equalsIgnoreCase("LAST"))) {
      throw new SmtpException(501, "5.5.4", "Syntax: BURL absolute-URI [LAST]");
    }
    return new Request(p[0], p.length == 2);
  }

  /**
   * The content {@code url} names for {@code user}, at most {@code maxSize} octets (else {@code 554
   * 5.3.4}, before anything is read); refusals become their replies. The caller closes the content.
   */
  static BurlResolver.Content open(BurlResolver resolver, String url, String user, long maxSize) throws SmtpException {
    if (!url.regionMatches(true, 0, "imap://", 0, 7)) {
      throw new SmtpException(554, "5.7.8", "URL resolution requires trust relationship"); // only IMAP URLs
    }
    BurlResolver.Content c;
    try {
      c = resolver.open(url, user);
    } catch (BurlResolver.Refused e) {
      throw new SmtpException(e.reply());
    }
    if (c.size() > maxSize) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing was read
      }
      throw new SmtpException(554, "5.3.4", "Message too big for system");
    }
    return c;
  }
}
