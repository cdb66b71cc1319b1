package dev.postamt.filter.uri;

import dev.postamt.filter.Findings;
import dev.postamt.filter.ScannedMessage;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links that lie about where they go, found without DNS: a visible link text naming another domain
 * than the link's target, user-info that dresses the real host as another ({@code
 * http://www.bank.example@evil.example/}), hosts hidden in %-escapes or as decimal/hex/octal numbers,
 * URL shorteners and redirects that carry another site's URL. Links to other domains than the sender's
 * are normal (newsletters, trackers, CDNs) and score nothing by themselves.
 */
final class UriTricks {
  /** URL shorteners: the target is hidden until followed. */
  static final Set<String> SHORTENERS = Set.of(
      "bit.ly", "bitly.com", "t.co", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly",
      "shorturl.at", "rb.gy", "t.ly", "tiny.cc", "bl.ink", "s.id", "v.gd", "lnkd.in", "x.co", "shorte.st", "adf.ly",
      "soo.gd", "clck.ru", "qr.ae", "u.to", "tr.im", "snip.ly", "urlz.fr", "2no.co", "gg.gg");
  private static final Pattern SHOWN_URL = Pattern.compile(
      "(?i)^\\s*(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,24})(?::\\d+)?(?:[/?#]\\S*)?\\s*$");
  private static final Pattern NAME_LIKE = Pattern.compile("(?i)(?:[a-z0-9-]+\\.)+[a-z]{2,24}");

  private UriTricks() {}

  static void add(ScannedMessage m, List<String> uris, Findings out) {
    for (String u : uris) {
      String host = Uris.host(u);
      if (host.isEmpty() || !u.regionMatches(true, 0, "http", 0, 4)) {
        continue;
      }
      String user = Uris.userInfo(u);
      if (!user.isEmpty()) {
        Matcher n = NAME_LIKE.matcher(user);
        if (n.find() && !Domains.sameOrganisation(n.group(), host)) {
          out.add("HTTP_USERNAME_USED", 2.0, "link shows " + n.group() + " before '@' but goes to " + host);
        } else {
          out.add("HTTP_USERNAME_USED", 1.0, "link to " + host + " carries a user name");
        }
      }
      if (Uris.hostObfuscated(u)) {
        if (Domains.isAddress(host)) {
          out.add("URI_NUMERIC_OBFU", 2.0, "link host " + Uris.authority(u) + " is the address " + host + " in disguise");
        } else {
          out.add("HTTP_ESCAPED_HOST", 1.0, "link host " + clip(Uris.authority(u)) + " is %-escaped " + host);
        }
      }
      if (SHORTENERS.contains(host)) {
        out.add("URI_SHORTENER", 0.3, "link through URL shortener " + host);
      }
    }
    for (String u : uris) {
      String embeddedIn = null;
      if (u.regionMatches(true, 0, "http", 0, 4)) {
        int q = u.indexOf('?');
        if (q > 0) {
          String query = Uris.percentDecode(u.substring(q)).toLowerCase(Locale.ROOT);
          int at = query.indexOf("http");
          if (at > 0 && (query.startsWith("://", at + 4) || query.startsWith("s://", at + 4))) {
            embeddedIn = Uris.host(query.substring(at));
          }
        }
      }
      String host = Uris.host(u);
      if (embeddedIn != null && !embeddedIn.isEmpty() && !host.isEmpty() && !Domains.sameOrganisation(host, embeddedIn)) {
        out.add("URI_OPEN_REDIRECT", 0.5, "link to " + host + " redirects to " + embeddedIn);
        break;
      }
    }
    for (ScannedMessage.HtmlLink l : m.htmlLinks()) {
      if (!l.tag().equals("a") || l.text().isEmpty()) {
        continue;
      }
      Matcher s = SHOWN_URL.matcher(l.text());
      String target = Uris.host(l.url());
      if (s.matches() && !target.isEmpty() && !Domains.sameOrganisation(s.group(1), target)
          && !SHORTENERS.contains(target)) {
        out.add("URI_TEXT_MISMATCH", 1.0, "link text shows " + s.group(1).toLowerCase(Locale.ROOT) + " but goes to " + target);
        return;
      }
    }
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
