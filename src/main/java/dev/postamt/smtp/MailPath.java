package dev.postamt.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed MAIL FROM or RCPT TO argument (RFC 5321 §4.1.2): the path and the ESMTP parameters.
 * Parsing is strict about what makes routing tricks possible and records them, so that policy can
 * refuse them for untrusted clients: source routes, '%' and '!' in the local part, a quoted local part
 * hiding an '@', and address literals.
 *
 * @param localPart the local part as it will be used (quotes removed, quoted-pairs resolved)
 * @param domain the domain in lower case, or the address literal with its brackets
 * @param params ESMTP parameters, keys upper-cased, value null when absent
 */
public record MailPath(
    String localPart,
    String domain,
    boolean sourceRouted,
    boolean quoted,
    boolean utf8,
    Map<String, String> params) {

  /** Local parts tagged {@code SRS0}/{@code SRS1} may be this long (the whole path stays under 1000). */
  static final int MAX_SRS_LOCAL_PART = 512;

  /** The null reverse-path {@code <>}. */
  public boolean isNull() {
    return localPart.isEmpty() && domain.isEmpty();
  }

  public boolean addressLiteral() {
    return domain.startsWith("[");
  }

  /** '%' or '!' routing in the local part, or a quoted local part that contains '@'. */
  public boolean routingTrick() {
    return sourceRouted || localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || (quoted && localPart.indexOf('@') >= 0);
  }

  /** {@code local@domain}; the local part re-quoted when it needs quotes. */
  public String address() {
    if (isNull()) {
      return "";
    }
    String lp = needsQuotes(localPart) ? quote(localPart) : localPart;
    return domain.isEmpty() ? lp : lp + "@" + domain;
  }

  /** Parses the text after {@code MAIL FROM:} or {@code RCPT TO:}. */
  public static MailPath parse(String arg, boolean allowNull) throws SmtpException {
    String s = arg.stripLeading();
    String path;
    String rest;
    if (s.startsWith("<")) {
      int end = findClose(s);
      if (end < 0) {
        throw bad("missing '>'");
      }
      path = s.substring(1, end);
      rest = s.substring(end + 1);
      if (!rest.isEmpty() && rest.charAt(0) != ' ') {
        throw bad("text after '>'");
      }
    } else {
      // Without brackets, as Postfix accepts by default: the address runs to the first space.
      int sp = s.indexOf(' ');
      path = sp < 0 ? s : s.substring(0, sp);
      rest = sp < 0 ? "" : s.substring(sp);
      if (path.isEmpty()) {
        throw bad("empty address");
      }
    }
    Map<String, String> params = parseParams(rest.trim());
    if (path.isEmpty()) {
      if (!allowNull) {
        throw bad("empty address");
      }
      return new MailPath("", "", false, false, false, params);
    }
    boolean routed = false;
    if (path.startsWith("@")) {
      int colon = path.indexOf(':');
      if (colon < 0) {
        throw bad("bad source route");
      }
      for (String hop : path.substring(0, colon).split(",", -1)) {
        if (!hop.startsWith("@") || !isDomain(hop.substring(1))) {
          throw bad("bad source route");
        }
      }
      routed = true;
      path = path.substring(colon + 1);
    }
    boolean utf8 = !path.chars().allMatch(c -> c < 128);
    String local;
    String domain;
    boolean quoted = false;
    int at;
    if (path.startsWith("\"")) {
      quoted = true;
      StringBuilder b = new StringBuilder();
      int i = 1;
      boolean closed = false;
      for (; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c == '\\') {
          if (++i >= path.length()) {
            throw bad("bad quoted local part");
          }
          b.append(path.charAt(i));
        } else if (c == '"') {
          closed = true;
          i++;
          break;
        } else if (c < 32 || c == 127) {
          throw bad("control character in address");
        } else {
          b.append(c);
        }
      }
      if (!closed) {
        throw bad("unterminated quoted local part");
      }
      local = b.toString();
      if (i == path.length()) {
        domain = "";
      } else if (path.charAt(i) == '@') {
        domain = path.substring(i + 1);
      } else {
        throw bad("text after quoted local part");
      }
    } else {
      at = path.lastIndexOf('@');
      local = at < 0 ? path : path.substring(0, at);
      domain = at < 0 ? "" : path.substring(at + 1);
      if (!isDotString(local)) {
        throw bad("bad local part");
      }
    }
    if (domain.isEmpty()) {
      // RFC 5321 §4.1.1.3: "postmaster" without a domain must be accepted as a recipient.
      if (!local.equalsIgnoreCase("postmaster")) {
        throw bad("address must have a domain");
      }
      return new MailPath("postmaster", "", routed, quoted, utf8, params);
    }
    if (domain.startsWith("[")) {
      if (!domain.endsWith("]") || !isAddressLiteral(domain.substring(1, domain.length() - 1))) {
        throw bad("bad address literal");
      }
    } else if (!isDomain(domain)) {
      throw bad("bad domain");
    }
    // RFC 5321 §4.5.3.1.1 sets 64 octets, but SRS addresses (ours and other forwarders') are often
    // longer and must reach us as senders and as bounce recipients, as Postfix (no limit) lets them.
    int maxLocal = dev.postamt.srs.Srs.isSrs(local) ? MAX_SRS_LOCAL_PART : 64;
    if (local.isEmpty() || local.length() > maxLocal || domain.length() > 255) {
      throw bad("address too long or empty local part");
    }
    return new MailPath(local, domain.toLowerCase(Locale.ROOT), routed, quoted, utf8, params);
  }

  private static int findClose(String s) {
    boolean inQuote = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && inQuote) {
        i++;
      } else if (c == '"') {
        inQuote = !inQuote;
      } else if (c == '>' && !inQuote) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> parseParams(String s) throws SmtpException {
    Map<String, String> m = new LinkedHashMap<>();
    if (s.isEmpty()) {
      return m;
    }
    for (String p : s.split(" +")) {
      int eq = p.indexOf('=');
      String k = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
      String v = eq < 0 ? null : p.substring(eq + 1);
      if (!k.matches("[A-Z0-9][A-Z0-9-]*")) {
        throw new SmtpException(555, "5.5.4", "Error: bad parameter syntax: " + printable(p));
      }
      if (v != null && (v.isEmpty() || v.chars().anyMatch(c -> c < 33 || c == '=' || c == 127))) {
        throw new SmtpException(555, "5.5.4", "Error: bad parameter value: " + printable(p));
      }
      if (m.containsKey(k)) {
        throw new SmtpException(555, "5.5.4", "Error: duplicate parameter " + k);
      }
      m.put(k, v);
    }
    return m;
  }

  static boolean isDotString(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128) {
        continue; // UTF-8 (RFC 6531), checked against SMTPUTF8 by the caller
      }
      if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** RFC 5321 Domain: sub-domains of letters, digits, hyphens; no trailing dot. */
  static boolean isDomain(String d) {
    if (d.isEmpty() || d.length() > 255 || d.endsWith(".") || d.startsWith(".")) {
      return false;
    }
    for (String label : d.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 128 || Character.isLetterOrDigit(c) || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isAddressLiteral(String s) {
    if (s.regionMatches(true, 0, "IPv6:", 0, 5)) {
      return s.substring(5).matches("[0-9A-Fa-f:.]+") && s.contains(":");
    }
    if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String o : s.split("\\.")) {
        if (Integer.parseInt(o) > 255) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean needsQuotes(String local) {
    return !isDotString(local);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static SmtpException bad(String why) {
    return new SmtpException(501, "5.1.3", "Bad address syntax (" + why + ")");
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 32 || c == 127 ? '?' : c);
      if (b.length() > 64) {
        b.append("...");
        break;
      }
    }
    return b.toString();
  }
}
