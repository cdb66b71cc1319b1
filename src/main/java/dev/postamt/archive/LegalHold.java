package dev.postamt.archive;

import java.time.Instant;
import java.util.Locale;

/**
 * A legal hold: while it stands, no message whose sender or recipient it matches is deleted, however
 * old. {@code target} is an address ({@code a@example.org}: that sender or recipient) or a domain
 * ({@code example.org}: any sender or recipient in it, subdomains not included), lower case.
 */
public record LegalHold(String target, Instant since, String by, String reason) {

  /** Whether the hold covers {@code m}. */
  public boolean covers(ArchivedMessage m) {
    if (target.indexOf('@') >= 0) {
      return m.sender().equalsIgnoreCase(target) || m.recipients().stream().anyMatch(target::equalsIgnoreCase);
    }
    return m.domains().contains(target);
  }

  /**
   * The normal form of a hold target, or an {@link IllegalArgumentException} saying why {@code s} is
   * neither an address nor a domain.
   */
  public static String target(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    int at = t.lastIndexOf('@');
    String domain = at < 0 ? t : t.substring(at + 1);
    if ((at >= 0 && (at == 0 || t.substring(0, at).chars().anyMatch(c -> c <= ' ')))
        || !domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
      throw new IllegalArgumentException("\"" + s + "\" is neither an address (user@example.org) nor a domain (example.org)");
    }
    return t;
  }
}
