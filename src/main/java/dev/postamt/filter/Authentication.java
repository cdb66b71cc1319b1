package dev.postamt.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our own mail-authentication results for the message (RFC 8601 {@code resinfo} terms as {@code
 * mailauth} writes them: {@code spf=pass smtp.mailfrom=a@example.org}, {@code dkim=pass
 * header.d=example.org …}, {@code dmarc=pass … header.from=example.org}, {@code arc=none}, {@code
 * iprev=pass policy.iprev=192.0.2.1 (mx.example.org)}). Results are lower-case keywords; {@code none}
 * when a method was not run.
 *
 * @param spf the SPF result
 * @param spfDomain the domain SPF checked (the MAIL FROM domain, or the HELO name for a null sender)
 * @param dkimPass the {@code d=} domains of the DKIM signatures that passed
 * @param dmarc the DMARC result
 * @param fromDomain the RFC5322.From domain DMARC looked at ("" when unknown)
 * @param arc the ARC chain result
 * @param iprev the iprev (FCrDNS) result
 * @param clientName the client's verified host name from iprev ("" when none)
 */
public record Authentication(
    String spf,
    String spfDomain,
    List<String> dkimPass,
    String dmarc,
    String fromDomain,
    String arc,
    String iprev,
    String clientName) {
  /** Nothing known (a message checked offline without a client, or an authenticated submission). */
  public static final Authentication NONE = new Authentication("none", "", List.of(), "none", "", "none", "none", "");

  private static final Pattern METHOD = Pattern.compile("^\\s*([a-z]+)\\s*=\\s*([a-z]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern PROP = Pattern.compile("\\b([a-z]+\\.[a-z-]+)=([^\\s;()]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME_COMMENT = Pattern.compile("\\(([A-Za-z0-9.-]+)\\)\\s*$");

  /** From the resinfo terms of one Authentication-Results field (as {@code mailauth} lists them). */
  public static Authentication fromResinfos(List<String> resinfos) {
    String spf = "none", spfDomain = "", dmarc = "none", fromDomain = "", arc = "none", iprev = "none", name = "";
    List<String> dkim = new ArrayList<>();
    for (String r : resinfos) {
      boolean ascii = ascii(r);
      String[] mr = ascii ? method(r) : methodByPattern(r);
      if (mr == null) {
        continue;
      }
      String method = mr[0].toLowerCase(Locale.ROOT);
      String result = mr[1].toLowerCase(Locale.ROOT);
      String rest = mr[2];
      switch (method) {
        case "spf" -> {
          spf = result;
          String v = prop(rest, "smtp.mailfrom", ascii);
          if (v.isEmpty()) {
            v = prop(rest, "smtp.helo", ascii);
          }
          spfDomain = v.substring(v.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        }
        case "dkim" -> {
          if (result.equals("pass")) {
            String d = prop(rest, "header.d", ascii);
            if (!d.isEmpty()) {
              dkim.add(d.toLowerCase(Locale.ROOT));
            }
          }
        }
        case "dmarc" -> {
          dmarc = result;
          fromDomain = prop(rest, "header.from", ascii).toLowerCase(Locale.ROOT);
        }
        case "arc" -> arc = result;
        case "iprev" -> {
          iprev = result;
          Matcher n = NAME_COMMENT.matcher(rest);
          if (n.find()) {
            name = n.group(1).toLowerCase(Locale.ROOT);
          }
        }
        default -> {}
      }
    }
    return new Authentication(spf, spfDomain, List.copyOf(dkim), dmarc, fromDomain, arc, iprev, name);
  }

  /**
   * From an Authentication-Results field value ({@code authserv-id; resinfo; resinfo…}), trusted only
   * when its authserv-id is {@code ourId} (the server's host name): a field from outside says nothing.
   */
  public static Authentication fromHeader(String value, String ourId) {
    String[] parts = value.split(";");
    String id = parts[0].strip();
    int space = id.indexOf(' ');
    if (space > 0) {
      id = id.substring(0, space); // authserv-id [version]
    }
    if (!id.equalsIgnoreCase(ourId)) {
      return NONE;
    }
    List<String> resinfos = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      resinfos.add(parts[i].strip());
    }
    return fromResinfos(resinfos);
  }

  /**
   * Whether this says what {@link #NONE} says ({@code equals(NONE)}, field by field with the cheap tests
   * first: the record's own equals compares every field through a method handle, per message).
   */
  public boolean none() {
    return "none".equals(spf) && "".equals(spfDomain) && dkimPass != null && dkimPass.isEmpty() && "none".equals(dmarc)
        && "".equals(fromDomain) && "none".equals(arc) && "none".equals(iprev) && "".equals(clientName);
  }

  /** Whether {@code domain} is vouched for: DKIM-signed by it or its organisational parent, or its SPF passed. */
  public boolean authenticates(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    for (String k : dkimPass) {
      if (d.equals(k) || d.endsWith("." + k) || k.endsWith("." + d)) {
        return true;
      }
    }
    return spf.equals("pass") && (d.equals(spfDomain) || d.endsWith("." + spfDomain) || spfDomain.endsWith("." + d));
  }

  /**
   * The value of the first {@code name=value} property of {@code rest} whose name is {@code name} (any
   * case), "" when none: what {@link #PROP}'s successive matches give, for ASCII text by a plain scan (a
   * scan parses our own field of every message), else by the pattern.
   */
  static String prop(String rest, String name, boolean ascii) {
    if (!ascii) {
      Matcher p = PROP.matcher(rest);
      while (p.find()) {
        if (p.group(1).equalsIgnoreCase(name)) {
          return p.group(2);
        }
      }
      return "";
    }
    int n = rest.length();
    int i = 0;
    while (i < n) {
      // a match of PROP at i: \b, [a-z]+ '.' [a-z-]+ '=' [^\s;()]+ (a match starts with a letter, so \b
      // is "no word character before it"); none at i: try i + 1, as find does; one: go on after it
      int j = i;
      if (i == 0 || !word(rest.charAt(i - 1))) {
        while (j < n && letter(rest.charAt(j))) {
          j++;
        }
      }
      int k = j + 1;
      if (j > i && j < n && rest.charAt(j) == '.') {
        while (k < n && (letter(rest.charAt(k)) || rest.charAt(k) == '-')) {
          k++;
        }
        if (k > j + 1 && k < n && rest.charAt(k) == '=') {
          int v = k + 1;
          while (v < n && !valueEnd(rest.charAt(v))) {
            v++;
          }
          if (v > k + 1) {
            if (rest.regionMatches(true, i, name, 0, name.length()) && k - i == name.length()) {
              return rest.substring(k + 1, v);
            }
            i = v;
            continue;
          }
        }
      }
      i++;
    }
    return "";
  }

  /** {@link #METHOD}'s method, result and the text after the match, or null when it does not match. */
  static String[] methodByPattern(String r) {
    Matcher m = METHOD.matcher(r);
    return m.find() ? new String[] {m.group(1), m.group(2), r.substring(m.end())} : null;
  }

  /** As {@link #methodByPattern} for ASCII text, by a plain scan. */
  static String[] method(String r) {
    int n = r.length();
    int i = 0;
    while (i < n && space(r.charAt(i))) {
      i++;
    }
    int m0 = i;
    while (i < n && letter(r.charAt(i))) {
      i++;
    }
    int m1 = i;
    while (i < n && space(r.charAt(i))) {
      i++;
    }
    if (m1 == m0 || i >= n || r.charAt(i) != '=') {
      return null;
    }
    i++;
    while (i < n && space(r.charAt(i))) {
      i++;
    }
    int v0 = i;
    while (i < n && letter(r.charAt(i))) {
      i++;
    }
    return i == v0 ? null : new String[] {r.substring(m0, m1), r.substring(v0, i), r.substring(i)};
  }

  static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z]} with CASE_INSENSITIVE. */
  private static boolean letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** A word character of {@code \b}, in ASCII. */
  private static boolean word(char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '_';
  }

  /** {@code \s}: space, tab, LF, VT, FF, CR. */
  private static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  /** What ends a property's value: {@code [\s;()]}. */
  private static boolean valueEnd(char c) {
    return space(c) || c == ';' || c == '(' || c == ')';
  }
}
