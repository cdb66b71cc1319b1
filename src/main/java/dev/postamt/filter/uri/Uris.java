package dev.postamt.filter.uri;

import dev.postamt.filter.ScannedMessage;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URIs of a message: links of the HTML parts and URLs written in the text, in order, each once.
 * Computed once per message ({@link ScannedMessage#derived}); the {@code uri} rules, the URI DNS lists
 * and Bayes read the same list.
 *
 * <p>Text is read the way a person would follow it, so the forms spammers write to slip past filters
 * count too: {@code hxxp://}, {@code example[.]com} and {@code example(dot)com}, bare domains with a
 * common top-level domain ({@code example.com/offer}). A redirect that carries another URL in its query
 * ({@code …?url=https%3A%2F%2Fevil.example}) adds that URL as well. {@link #host} reduces a URI to the
 * host a browser would contact: user-info dropped ({@code http://www.bank.example@evil.example/}),
 * %-escapes decoded, decimal, hex and octal IPv4 forms ({@code http://3232235777/}) as dotted quads,
 * international names as punycode (RFC 3492, via IDNA).
 */
public final class Uris {
  private static final Pattern IN_TEXT =
      Pattern.compile("(?i)\\b(?:(?:https?|ftp)://|www\\.)[^\\s<>\"'()\\[\\]{}]+");
  private static final Pattern OBFUSCATED_DOT =
      Pattern.compile("(?i)\\s?(?:\\[\\s?(?:\\.|dot)\\s?\\]|\\(\\s?(?:\\.|dot)\\s?\\)|\\{\\s?(?:\\.|dot)\\s?\\})\\s?");
  private static final Pattern OBFUSCATED_SCHEME = Pattern.compile("(?i)\\b(?:hxxp|h\\*\\*p|hxtp|htxp)(s?)(?=\\s?:\\s?//|\\[:\\]//)");
  private static final Pattern BARE_DOMAIN = Pattern.compile(
      "(?i)(?<![@\\w.\\-/:])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,8}(?:com|net|org|info|biz|us|uk|de|ru|cn|"
          + "jp|fr|it|nl|pl|br|au|ca|in|eu|io|co|tv|cc|ws|xyz|top|online|site|club|shop|store|app|ly|gl|su|tk|ml|ga|cf|gq|"
          + "pw|icu|live|click|link|work|email|today|space|website|fun|vip))(/[^\\s<>\"']*)?(?![\\w-])");
  private static final Pattern EMBEDDED =
      Pattern.compile("(?i)(?:=|%3d)(https?(?::|%3a)(?:/|%2f){2}[^&\\s#]+)");
  private static final Pattern TRAILING = Pattern.compile("[.,;:!?*>]+$");

  private Uris() {}

  /** Every URI of the message. */
  public static List<String> of(ScannedMessage m) {
    return m.derived("uris", () -> extract(m));
  }

  /** The distinct hosts of {@link #of}, normalised by {@link #host}, in order. */
  public static List<String> hosts(ScannedMessage m) {
    return m.derived("uri.hosts", () -> {
      Set<String> out = new LinkedHashSet<>();
      for (String u : of(m)) {
        String h = host(u);
        if (!h.isEmpty()) {
          out.add(h);
        }
      }
      return List.copyOf(out);
    });
  }

  private static List<String> extract(ScannedMessage m) {
    Set<String> out = new LinkedHashSet<>();
    for (ScannedMessage.HtmlLink l : m.htmlLinks()) {
      if (!l.url().isEmpty()) {
        out.add(l.url());
      }
    }
    for (ScannedMessage.TextPart t : m.textParts()) {
      fromText(t.text(), out);
    }
    List<String> embedded = new ArrayList<>();
    for (String u : out) {
      Matcher e = EMBEDDED.matcher(u);
      while (e.find()) {
        embedded.add(percentDecode(e.group(1)));
      }
    }
    out.addAll(embedded);
    return List.copyOf(out);
  }

  /** Adds the URLs a reader would follow in {@code text}, obfuscated ones included. */
  static void fromText(String text, Set<String> out) {
    // Each pattern runs only when the text holds a literal every one of its matches contains: Java's
    // regex engine tries a match at every position, which cost ~90 ns per character of a 100 KB text
    // with no link at all. The checks are necessary conditions, so the result is the same.
    String t = text;
    if (mayHoldObfuscatedDot(t)) {
      t = OBFUSCATED_DOT.matcher(t).replaceAll(".");
    }
    if (t.contains("//")) {
      if (containsAsciiIgnoreCase(t, "hxxp") || containsAsciiIgnoreCase(t, "h**p") || containsAsciiIgnoreCase(t, "hxtp")
          || containsAsciiIgnoreCase(t, "htxp")) {
        t = OBFUSCATED_SCHEME.matcher(t).replaceAll("http$1");
      }
      t = t.replace("[:]//", "://");
    }
    CharSequence rest = t;
    if (t.contains("://") || containsAsciiIgnoreCase(t, "www.")) {
      // IN_TEXT tried only where "http", "ftp://" or "www." begins (each of its matches does), in order:
      // at each such position lookingAt gives what find would find there (transparent bounds for \b)
      Matcher u = IN_TEXT.matcher(t).useTransparentBounds(true).useAnchoringBounds(false);
      StringBuilder r = new StringBuilder(t.length());
      int last = 0;
      int len = t.length();
      for (int at = nextUrlStart(t, 0); at >= 0; ) {
        u.region(at, len);
        if (u.lookingAt()) {
          String s = TRAILING.matcher(u.group()).replaceAll("");
          out.add(s.regionMatches(true, 0, "www.", 0, 4) ? "http://" + s : s);
          r.append(t, last, u.start()).append(' ');
          last = u.end();
          at = nextUrlStart(t, Math.max(u.end(), at + 1));
        } else {
          at = nextUrlStart(t, at + 1);
        }
      }
      rest = r.append(t, last, t.length());
    }
    if (!hasDotBeforeLetter(rest)) {
      return; // every bare domain ends in ".tld"
    }
    Matcher b = BARE_DOMAIN.matcher(rest).useTransparentBounds(true).useAnchoringBounds(false);
    int len = rest.length();
    for (int at = nextLabelStart(rest, 0); at >= 0; ) {
      b.region(at, len);
      if (b.lookingAt()) {
        out.add("http://" + TRAILING.matcher(b.group()).replaceAll(""));
        at = nextLabelStart(rest, Math.max(b.end(), at + 1));
      } else {
        at = nextLabelStart(rest, at + 1);
      }
    }
  }

  /**
   * Whether {@link #OBFUSCATED_DOT} can match in {@code s}: each of its matches holds an opening bracket,
   * then at most one white space character ({@code \\s}), then {@code .} or {@code dot} (any case). Real
   * mail is full of brackets; the regex, which may begin with a space, ran at every position of it.
   */
  static boolean mayHoldObfuscatedDot(String s) {
    return dotAfter(s, '[') || dotAfter(s, '(') || dotAfter(s, '{');
  }

  /** Whether some {@code open} in {@code s} is followed by an optional white space character and a dot or "dot". */
  private static boolean dotAfter(String s, char open) {
    int len = s.length();
    for (int i = s.indexOf(open); i >= 0; i = s.indexOf(open, i + 1)) { // indexOf: a vectorised search
      int j = i + 1;
      if (j < len && isSpace(s.charAt(j))) {
        j++;
      }
      if (j < len && (s.charAt(j) == '.' || s.regionMatches(true, j, "dot", 0, 3))) {
        return true;
      }
    }
    return false;
  }

  /** {@code \\s} of a pattern without UNICODE_CHARACTER_CLASS. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /**
   * The first position at or after {@code from} where {@link #IN_TEXT} can match: where "http", "ftp://"
   * or "www." begins (ASCII letters in any case); -1 when none.
   */
  static int nextUrlStart(String s, int from) {
    int end = s.length() - 4;
    for (int i = from; i <= end; i++) {
      char c = (char) (s.charAt(i) | 0x20);
      if (c == 'h' && s.regionMatches(true, i, "http", 0, 4) || c == 'f' && s.regionMatches(true, i, "ftp://", 0, 6)
          || c == 'w' && s.regionMatches(true, i, "www.", 0, 4)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The first position at or after {@code from} where {@link #BARE_DOMAIN} can match: an ASCII letter or
   * digit not preceded by one of {@code @ . - / :} or an ASCII word character (its look-behind), whose run
   * of ASCII letters, digits and {@code -} (its first label) is followed by a dot; -1 when none. No match
   * starts inside such a run (each of those positions follows a letter, digit or {@code -}).
   */
  static int nextLabelStart(CharSequence s, int from) {
    int len = s.length();
    int i = from;
    while (i < len) {
      if (!alnum(s.charAt(i))) {
        i++;
        continue;
      }
      int end = i + 1;
      while (end < len && (alnum(s.charAt(end)) || s.charAt(end) == '-')) {
        end++;
      }
      if (end < len && s.charAt(end) == '.' && (i == 0 || !beforeBare(s.charAt(i - 1)))) {
        return i;
      }
      i = end;
    }
    return -1;
  }

  private static boolean alnum(char c) {
    return c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9');
  }

  /** The characters {@link #BARE_DOMAIN}'s look-behind refuses before a domain: {@code [@\\w.\\-/:]}. */
  private static boolean beforeBare(char c) {
    return alnum(c) || c == '_' || c == '@' || c == '.' || c == '-' || c == '/' || c == ':';
  }

  /**
   * Whether {@code s} contains {@code lower} (ASCII lower case), ASCII letters compared without case.
   * The first character is looked for with {@link String#indexOf(int, int)} in both cases (a vectorised
   * search), not compared at every position.
   */
  static boolean containsAsciiIgnoreCase(String s, String lower) {
    char first = lower.charAt(0);
    char firstUpper = Character.toUpperCase(first);
    int end = s.length() - lower.length();
    int lo = s.indexOf(first);
    int up = firstUpper == first ? -1 : s.indexOf(firstUpper);
    while (lo >= 0 || up >= 0) {
      int i = lo < 0 ? up : up < 0 ? lo : Math.min(lo, up);
      if (i > end) {
        return false;
      }
      if (s.regionMatches(true, i, lower, 0, lower.length())) {
        return true;
      }
      if (i == lo) {
        lo = s.indexOf(first, i + 1);
      } else {
        up = s.indexOf(firstUpper, i + 1);
      }
    }
    return false;
  }

  /** Whether a '.' is directly followed by an ASCII letter somewhere in {@code s}. */
  static boolean hasDotBeforeLetter(CharSequence s) {
    if (s instanceof String str) {
      for (int i = str.indexOf('.'); i >= 0 && i < str.length() - 1; i = str.indexOf('.', i + 1)) {
        char c = (char) (str.charAt(i + 1) | 0x20);
        if (c >= 'a' && c <= 'z') {
          return true;
        }
      }
      return false;
    }
    for (int i = 0, end = s.length() - 1; i < end; i++) {
      if (s.charAt(i) == '.') {
        char c = (char) (s.charAt(i + 1) | 0x20);
        if (c >= 'a' && c <= 'z') {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The host a browser would contact for {@code uri}, lower case, as ASCII (punycode), IPv4 as a
   * dotted quad whatever its written form, IPv6 without brackets; "" for a URI without a host
   * ({@code mailto:} gives the mail domain; {@code cid:}, {@code javascript:} and relative links none).
   */
  public static String host(String uri) {
    String authority = authority(uri);
    if (authority.isEmpty()) {
      return "";
    }
    String h = percentDecode(authority).toLowerCase(Locale.ROOT).replace('\u3002', '.').replace('\uff0e', '.');
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      java.net.InetAddress v6 = Domains.parse(close < 0 ? h.substring(1) : h.substring(1, close));
      return v6 == null ? "" : dev.postamt.dns.DnsNames.addressText(v6);
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty()) {
      return "";
    }
    String quad = numericIpv4(h);
    if (quad != null) {
      return quad;
    }
    if (!h.chars().allMatch(c -> c < 128)) {
      try {
        h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        return "";
      }
    }
    return h.matches("[a-z0-9_.-]{1,253}") ? h : "";
  }

  /**
   * The authority of a URI as written, user-info removed ({@code user@host:port} → {@code host:port});
   * "" when there is none.
   */
  static String authority(String uri) {
    String s = uri.strip();
    int scheme = s.indexOf("://");
    if (scheme < 0) {
      if (s.regionMatches(true, 0, "mailto:", 0, 7)) {
        String addr = s.substring(7);
        int q = addr.indexOf('?');
        addr = q < 0 ? addr : addr.substring(0, q);
        int at = addr.lastIndexOf('@');
        return at < 0 ? "" : addr.substring(at + 1);
      }
      if (s.regionMatches(true, 0, "www.", 0, 4)) {
        s = "http://" + s;
        scheme = 4;
      } else {
        return "";
      }
    }
    String rest = s.substring(scheme + 3);
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#', '\\'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String a = rest.substring(0, end);
    int at = a.lastIndexOf('@');
    return at < 0 ? a : a.substring(at + 1);
  }

  /** The user-info of a URI ({@code www.bank.example} in {@code http://www.bank.example@evil.example/}), or "". */
  public static String userInfo(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return "";
    }
    String rest = uri.substring(scheme + 3);
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#', '\\'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String a = rest.substring(0, end);
    int at = a.lastIndexOf('@');
    return at < 0 ? "" : percentDecode(a.substring(0, at));
  }

  /** Whether the host of {@code uri} is written with %-escapes or as a non-dotted-decimal IPv4 number. */
  public static boolean hostObfuscated(String uri) {
    String a = authority(uri);
    if (a.indexOf('%') >= 0) {
      return true;
    }
    int colon = a.indexOf(':');
    String h = (colon >= 0 && !a.startsWith("[") ? a.substring(0, colon) : a).toLowerCase(Locale.ROOT);
    return numericIpv4(h) != null && !h.matches("(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  }

  /**
   * An IPv4 host in any form {@code inet_aton} accepts (what browsers still resolve): one to four
   * parts, each decimal, {@code 0x} hex or {@code 0}-prefixed octal, the last filling the remaining
   * bytes; as a dotted quad, or null when {@code h} is no such number.
   */
  static String numericIpv4(String h) {
    if (h.isEmpty() || h.length() > 40 || !h.matches("[0-9a-fx.]+") || !Character.isDigit(h.charAt(0))) {
      return null;
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] v = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      try {
        if (p.startsWith("0x")) {
          v[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
        } else if (p.length() > 1 && p.startsWith("0")) {
          v[i] = Long.parseLong(p.substring(1), 8);
        } else {
          v[i] = Long.parseLong(p);
        }
      } catch (NumberFormatException e) {
        return null; // a name that starts with a digit, like 3com.example
      }
    }
    long value = 0;
    for (int i = 0; i < v.length - 1; i++) {
      if (v[i] > 255) {
        return null;
      }
      value = (value << 8) | v[i];
    }
    int lastBytes = 4 - (v.length - 1);
    long last = v[v.length - 1];
    if (last >= (1L << (8 * lastBytes))) {
      return null;
    }
    value = (value << (8 * lastBytes)) | last;
    return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
  }

  /** %-escapes decoded as UTF-8; malformed escapes are kept as written. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] out = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else if (c < 128) {
        out[n++] = (byte) c;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (n + b.length > out.length) {
          out = java.util.Arrays.copyOf(out, out.length * 2 + b.length);
        }
        System.arraycopy(b, 0, out, n, b.length);
        n += b.length;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
