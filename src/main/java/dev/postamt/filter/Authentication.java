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
      Matcher m = METHOD.matcher(r);
      if (!m.find()) {
        continue;
      }
      String method = m.group(1).toLowerCase(Locale.ROOT);
      String result = m.group(2).toLowerCase(Locale.ROOT);
      String rest = r.substring(m.end());
      switch (method) {
        case "spf" -> {
          spf = result;
          String v = prop(rest, "smtp.mailfrom");
          if (v.isEmpty()) {
            v = prop(rest, "smtp.helo");
          }
          spfDomain = v.substring(v.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        }
        case "dkim" -> {
          if (result.equals("pass")) {
            String d = prop(rest, "header.d");
            if (!d.isEmpty()) {
              dkim.add(d.toLowerCase(Locale.ROOT));
            }
          }
        }
        case "dmarc" -> {
          dmarc = result;
          fromDomain = prop(rest, "header.from").toLowerCase(Locale.ROOT);
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

  private static String prop(String rest, String name) {
    Matcher p = PROP.matcher(rest);
    while (p.find()) {
      if (p.group(1).equalsIgnoreCase(name)) {
        return p.group(2);
      }
    }
    return "";
  }
}
