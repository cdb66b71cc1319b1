package dev.postamt.mailauth.dmarc;

import dev.postamt.mime.HeaderSection;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the RFC5322.From domain that DMARC evaluates (RFC 7489 §6.6.1). Exactly one From field is
 * required. One field may list several mailboxes (RFC 5322 allows it with a Sender field); DMARC is
 * then applied when they all share one domain, and the message is a permerror otherwise — the
 * "reject or evaluate each" choice of §6.6.1 made in the safe direction.
 *
 * <p>The parser works through quoted strings, comments (nested), angle addresses with obsolete routes
 * and groups, so that a display name like {@code "ceo@bank.example" <x@evil.example>} yields {@code
 * evil.example}.
 */
public final class FromDomain {
  private FromDomain() {}

  /** The domain, lower-case ASCII; or the reason there is none. */
  public record Result(String domain, String error) {
    public boolean ok() {
      return domain != null;
    }
  }

  public static Result of(HeaderSection headers) {
    List<HeaderSection.Field> from = headers.all("From");
    if (from.isEmpty()) {
      return new Result(null, "no From header");
    }
    if (from.size() > 1) {
      return new Result(null, "multiple From headers");
    }
    // Header bytes were decoded as ISO-8859-1; UTF-8 addresses (RFC 6532) need their real text.
    String value = new String(from.getFirst().value().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    return ofValue(value);
  }

  /** The domain of a From field's value. */
  public static Result ofValue(String value) {
    List<String> addresses = addresses(stripComments(value));
    if (addresses.isEmpty()) {
      return new Result(null, "no address in From");
    }
    Set<String> domains = new LinkedHashSet<>();
    for (String a : addresses) {
      int at = a.lastIndexOf('@');
      if (at < 0) {
        return new Result(null, "From address without a domain");
      }
      String d = a.substring(at + 1).strip().toLowerCase(Locale.ROOT);
      if (d.endsWith(".")) {
        d = d.substring(0, d.length() - 1);
      }
      if (d.isEmpty() || d.startsWith("[") || !d.contains(".")) {
        return new Result(null, "From domain is not a domain name: " + d);
      }
      if (!ASCII_NAME.matcher(d).matches()) { // an ASCII name needs no conversion (nearly all of them)
        try {
          d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
          return new Result(null, "From domain is not a domain name");
        }
      } else if (badLabel(d)) {
        return new Result(null, "From domain is not a domain name"); // what IDN.toASCII refuses of an ASCII name
      }
      if (!ASCII_NAME.matcher(d).matches() || d.contains("..")) {
        return new Result(null, "From domain is not a domain name: " + d);
      }
      domains.add(d);
    }
    if (domains.size() > 1) {
      return new Result(null, "From has addresses in several domains");
    }
    return new Result(domains.iterator().next(), null);
  }

  /** A domain name as it must end up: lower-case ASCII letters, digits, '_', '.', '-'. */
  private static final java.util.regex.Pattern ASCII_NAME = java.util.regex.Pattern.compile("[a-z0-9_.-]+");

  /** Whether a label is empty or longer than the 63 octets IDN.toASCII allows (RFC 1034 §3.1). */
  private static boolean badLabel(String d) {
    int start = 0;
    for (int i = 0; i <= d.length(); i++) {
      if (i == d.length() || d.charAt(i) == '.') {
        if (i == start || i - start > 63) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Removes (nested) comments outside quoted strings, keeping everything else. */
  static String stripComments(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (quoted || depth > 0)) {
        if (depth == 0) {
          out.append(c).append(s.charAt(i + 1));
        }
        i++;
      } else if (quoted) {
        out.append(c);
        quoted = c != '"';
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        out.append(c);
        quoted = c == '"';
      }
    }
    return out.toString();
  }

  /**
   * The addr-specs of an address list without comments: angle addresses win over the text around
   * them; group names ("name:" ... ";") are dropped.
   */
  static List<String> addresses(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    String angle = null;
    boolean quoted = false;
    boolean inAngle = false;
    StringBuilder angleBuf = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < s.length()) {
          (inAngle ? angleBuf : cur).append(c).append(s.charAt(++i));
          continue;
        }
        (inAngle ? angleBuf : cur).append(c);
        quoted = c != '"';
        continue;
      }
      if (inAngle) {
        if (c == '>') {
          inAngle = false;
          angle = angleBuf.toString();
        } else {
          angleBuf.append(c);
          quoted = c == '"';
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          quoted = true;
          cur.append(c);
        }
        case '<' -> {
          inAngle = true;
          angleBuf.setLength(0);
        }
        case ':' -> cur.setLength(0); // a group name ends; its members follow
        case ',', ';' -> {
          add(out, angle, cur);
          angle = null;
          cur.setLength(0);
        }
        default -> cur.append(c);
      }
    }
    add(out, angle, cur);
    return out;
  }

  private static void add(List<String> out, String angle, StringBuilder plain) {
    String a = angle != null ? angle : plain.toString();
    a = a.strip();
    if (a.startsWith("@")) {
      int colon = a.lastIndexOf(':');
      a = colon < 0 ? a : a.substring(colon + 1); // obsolete route: <@relay:user@domain>
    }
    if (!a.isEmpty()) {
      out.add(a);
    }
  }
}
