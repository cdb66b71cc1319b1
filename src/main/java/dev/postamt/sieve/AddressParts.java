package dev.postamt.sieve;

import dev.postamt.mime.Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The address parts of RFC 5228 §2.7.4 and RFC 5233 (":user" and ":detail" with "+" as the separator),
 * taken from header values holding address lists.
 */
public final class AddressParts {
  private AddressParts() {}

  /** The header fields the address test accepts (RFC 5228 §5.1: fields that contain addresses). */
  public static boolean isAddressHeader(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "from", "to", "cc", "bcc", "sender", "reply-to", "resent-from", "resent-to", "resent-cc", "resent-bcc",
          "resent-sender", "resent-reply-to", "return-receipt-to", "errors-to", "disposition-notification-to",
          "delivered-to", "envelope-to", "x-original-to", "return-path", "x-envelope-from", "x-envelope-to",
          "approved", "apparently-to", "original-recipient", "original-from" -> true;
      default -> false;
    };
  }

  /** The chosen part of every address in {@code headerValues}; unparsable values count as a whole. */
  public static List<String> fromHeaders(List<String> headerValues, String part) {
    return fromHeaders(headerValues, part, "+");
  }

  /**
   * As {@link #fromHeaders(List, String)}, with {@code delimiters} the characters that separate user and
   * detail (RFC 5233 §4; Dovecot's recipient_delimiter, "+" by default).
   */
  public static List<String> fromHeaders(List<String> headerValues, String part, String delimiters) {
    List<String> out = new ArrayList<>();
    for (String v : headerValues) {
      List<Address> list = Address.parseList(v);
      boolean any = false;
      for (Address a : list) {
        if (a.isGroupStart() || a.isGroupEnd()) {
          continue;
        }
        any = true;
        String p = part(a.mailbox() == null ? "" : a.mailbox(), a.host(), part, delimiters);
        if (p != null) {
          out.add(p);
        }
      }
      if (!any && !v.isBlank() && part.equals("all")) {
        out.add(v.strip());
      }
    }
    return out;
  }

  /** One part of {@code local@domain}; null when the part does not exist (":detail" without "+"). */
  public static String part(String local, String domain, String part) {
    return part(local, domain, part, "+");
  }

  /** As {@link #part(String, String, String)}, user and detail split at the first of {@code delimiters}. */
  public static String part(String local, String domain, String part, String delimiters) {
    int plus = -1;
    for (int i = 0; i < local.length() && plus < 0; i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        plus = i;
      }
    }
    return switch (part) {
      case "localpart" -> local;
      case "domain" -> domain == null ? "" : domain;
      case "user" -> plus < 0 ? local : local.substring(0, plus);
      case "detail" -> plus < 0 ? null : local.substring(plus + 1);
      default -> domain == null || domain.isEmpty() ? local : local + "@" + domain;
    };
  }

  /**
   * One part of an SMTP path (RFC 5321 §4.1.2), with or without angle brackets, source route ignored;
   * "" for the null path; null when the path is not valid (then no part of it matches anything).
   */
  public static String envelopePart(String path, String part) {
    return envelopePart(path, part, "+");
  }

  /** As {@link #envelopePart(String, String)} with the user/detail {@code delimiters}. */
  public static String envelopePart(String path, String part, String delimiters) {
    if (path == null) {
      return null;
    }
    String a = path.strip();
    boolean open = a.startsWith("<");
    boolean close = a.endsWith(">");
    if (open != close) {
      return null;
    }
    if (open) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty()) {
      return part.equals("detail") ? null : "";
    }
    if (a.startsWith("@")) {
      int colon = a.indexOf(':');
      if (colon < 0) {
        return null;
      }
      for (String hop : a.substring(0, colon).split(",", -1)) {
        if (!hop.startsWith("@") || !validDomain(hop.substring(1))) {
          return null;
        }
      }
      a = a.substring(colon + 1);
    }
    int at = a.lastIndexOf('@');
    String local = at < 0 ? a : a.substring(0, at);
    if (local.isEmpty()) {
      return null;
    }
    if (!local.startsWith("\"")) {
      // RFC 5321 §4.1.2 Dot-string (dots placed freely, as Pigeonhole allows): no specials or spaces.
      for (int k = 0; k < local.length(); k++) {
        if ("@:<>()[],;\\\" \t".indexOf(local.charAt(k)) >= 0) {
          return null;
        }
      }
    }
    if (at < 0) {
      return part(local, null, part, delimiters);
    }
    String domain = a.substring(at + 1);
    return validDomain(domain) ? part(local, domain, part, delimiters) : null;
  }

  public static boolean validDomain(String d) {
    if (d.isEmpty() || d.startsWith(".") || d.endsWith(".") || d.contains("..")) {
      return false;
    }
    if (d.startsWith("[") && d.endsWith("]")) {
      return true;
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      // Underscores and edge hyphens are not in RFC 5321 but occur in real mail; accept them (as Pigeonhole).
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c >= 0x80)) {
        return false;
      }
    }
    return true;
  }
}
