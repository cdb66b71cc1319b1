package dev.postamt.filter.bayes;

import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.uri.Uris;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The tokens Bayes learns and weighs for one message: the same message gives the same tokens, each
 * once (a token's count is the number of messages it was in, as in Graham's "A Plan for Spam" and
 * SpamAssassin's {@code Bayes.pm}).
 *
 * <p>What is taken:
 *
 * <ul>
 *   <li>the visible text (HTML rendered to text, the Subject first), split into words: letters, digits
 *       and {@code $ ' - . @} inside a word; lower-cased; shorter than 3 characters dropped; longer than
 *       15 kept as {@code sk:} and their first 7 characters (SpamAssassin's trick against hash-busting
 *       gibberish); numbers of more than 3 digits reduced to their length; all-capital words give an
 *       extra {@code caps:} token (shouting is a clue), words in mixed case an extra {@code Cs:} token
 *       with their case kept (SpamAssassin keeps case too: "Free" at a sentence start, "ViAgRa");
 *   <li>runs of Han, Kana, Hangul-less CJK, Thai, Lao, Khmer or Myanmar letters, which are written
 *       without spaces, as overlapping character bigrams;
 *   <li>chosen header fields, decoded, each under its own prefix so that "free" in the Subject and in
 *       the body are different clues: Subject words, From/Reply-To/Sender/Return-Path display names,
 *       addresses and domains, To/Cc domains and count, the Received chain's hosts and networks (/24,
 *       /16), Message-ID domain, X-Mailer/User-Agent, Content-Type, MIME part types, charsets and
 *       encodings, attachment extensions, priority fields, List-Id and Precedence. Fields that a
 *       collecting site adds ({@code Delivered-To}, {@code X-Spam-*}, dates) are left out: they say
 *       where mail was filed, not what it is;
 *   <li>the HTML markup of HTML parts: each tag ({@code HT:font}), each tag's attribute names
 *       ({@code HT:font.color}) and short values other than links ({@code HT:font.size=+2}): spam's
 *       markup is written by other tools and in another style than a mail reader's;
 *   <li>each link's host, its parent domains and the words of its path ({@link Uris#of});
 *   <li>a few shape tokens: HTML-only, part count, header fields that are missing.
 * </ul>
 *
 * <p>Tokens are hashed to 64 bits ({@link #hash}); the database never stores their text. The list is
 * computed once per message and kept with it ({@code message.derived("bayes.tokens")}).
 */
public final class Tokenizer {
  /** Text read from a message's body; the rest adds nothing a classifier needs (as SpamAssassin's body limit). */
  static final int MAX_TEXT = 256 * 1024;
  static final int MIN_WORD = 3;
  static final int MAX_WORD = 15;
  private static final Pattern ANGLE_OR_SPACE = Pattern.compile("[<>\\s]");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern ADDRESS_END = Pattern.compile("[>\\s\"].*$");
  private static final Pattern IP_LITERAL = Pattern.compile("\\[?[0-9.]+\\]?");
  private static final Pattern QUERY = Pattern.compile("[?#].*$");

  private Tokenizer() {}

  /** The message's tokens, hashed, sorted and distinct; computed once per message. */
  public static long[] tokens(ScannedMessage m) {
    return m.derived("bayes.tokens", () -> {
      LongBag bag = new LongBag();
      tokenize(m, t -> bag.add(hash(t)));
      return bag.sortedDistinct();
    });
  }

  /** The tokens as text, in the order found (duplicates kept): for tests and {@code --debug} output. */
  public static List<String> strings(ScannedMessage m) {
    List<String> out = new ArrayList<>();
    tokenize(m, out::add);
    return out;
  }

  static void tokenize(ScannedMessage m, Consumer<String> out) {
    try {
      headers(m, out);
      String text = m.visibleText();
      String body = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
      words(body, "", out);
      html(m, out);
      for (String uri : Uris.of(m)) {
        uri(uri, out);
      }
    } catch (RuntimeException e) {
      // a malformed message gives fewer tokens, never an error (Check's contract)
      out.accept("X:tokenizer-failed");
    }
  }

  // ---- header fields

  private static void headers(ScannedMessage m, Consumer<String> out) {
    for (String s : m.header("Subject")) {
      words(s, "S:", out);
      if (s.chars().filter(c -> c == '!').count() >= 2) {
        out.accept("S:bangs");
      }
    }
    addresses(m, "From", "F:", out);
    addresses(m, "Reply-To", "RT:", out);
    addresses(m, "Sender", "SN:", out);
    addresses(m, "Return-Path", "RP:", out);
    recipients(m, "To", "T:", out);
    recipients(m, "Cc", "C:", out);
    for (String r : m.header("Received")) {
        received(r, out);
    }
    for (String id : m.header("Message-ID")) {
      int at = id.lastIndexOf('@');
      if (at >= 0) {
        out.accept("MID:d:" + ANGLE_OR_SPACE.matcher(id.substring(at + 1)).replaceAll("").toLowerCase(Locale.ROOT));
      }
      out.accept("MID:s:" + shape(id.substring(0, Math.max(0, at))));
    }
    for (String name : List.of("X-Mailer", "User-Agent")) {
      for (String v : m.header(name)) {
        String lower = v.toLowerCase(Locale.ROOT);
        out.accept("XM:" + DIGITS.matcher(lower).replaceAll("0"));
        words(v, "XM:", out);
      }
    }
    for (String name : List.of("X-Priority", "X-MSMail-Priority", "Importance", "Precedence", "List-Id",
        "MIME-Version", "Content-Transfer-Encoding")) {
      for (String v : m.header(name)) {
        out.accept("H" + name.toLowerCase(Locale.ROOT) + ":" + v.toLowerCase(Locale.ROOT));
      }
    }
    for (String v : m.header("Organization")) {
      words(v, "O:", out);
    }
    for (String name : List.of("Date", "Message-ID", "From", "To", "Subject", "MIME-Version")) {
      if (m.headers().count(name) == 0) {
        out.accept("missing:" + name.toLowerCase(Locale.ROOT));
      }
    }
    mime(m, out);
  }

  private static final Pattern TAG = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]{0,15})([^>]{0,500})>");
  private static final Pattern ATTR = Pattern.compile("([a-zA-Z-]{1,20})\\s*=\\s*(\"[^\"]{0,100}\"|'[^']{0,100}'|[^\\s>]{1,100})");

  /** The HTML markup itself: tags, their attributes and short attribute values (colours, sizes, fonts). */
  private static void html(ScannedMessage m, Consumer<String> out) {
    for (ScannedMessage.TextPart t : m.textParts()) {
      if (t.html() == null) {
        continue;
      }
      String h = t.html().length() > MAX_TEXT ? t.html().substring(0, MAX_TEXT) : t.html();
      java.util.regex.Matcher tm = TAG.matcher(h);
      while (tm.find()) {
        String tag = tm.group(1).toLowerCase(Locale.ROOT);
        out.accept("HT:" + tag);
        java.util.regex.Matcher am = ATTR.matcher(tm.group(2));
        while (am.find()) {
          String a = am.group(1).toLowerCase(Locale.ROOT);
          out.accept("HT:" + tag + "." + a);
          String v = am.group(2).replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT).strip();
          if (!a.equals("href") && !a.equals("src") && !a.equals("action") && v.length() <= 20) {
            out.accept("HT:" + tag + "." + a + "=" + v);
          }
        }
      }
    }
  }

  private static void mime(ScannedMessage m, Consumer<String> out) {
    String ct = m.first("Content-Type").toLowerCase(Locale.ROOT);
    int semi = ct.indexOf(';');
    out.accept("CT:" + (semi < 0 ? ct : ct.substring(0, semi)).strip());
    int b = ct.indexOf("boundary=");
    if (b >= 0) {
      out.accept("CT:b:" + shape(ct.substring(b + 9).replace("\"", "")));
    }
    List<ScannedMessage.TextPart> texts = m.textParts();
    boolean plain = false;
    for (ScannedMessage.TextPart t : texts) {
      out.accept("P:" + t.mimeType());
      String cs = t.part().params().get("charset");
      out.accept("P:cs:" + (cs == null ? "none" : cs.toLowerCase(Locale.ROOT)));
      out.accept("P:te:" + t.part().encoding());
      plain |= t.html() == null;
    }
    if (!texts.isEmpty() && !plain) {
      out.accept("X:html-only");
    }
    for (ScannedMessage.Attachment a : m.attachments()) {
      out.accept("A:" + a.mimeType());
      int dot = a.filename().lastIndexOf('.');
      if (dot >= 0 && a.filename().length() - dot <= 6) {
        out.accept("A:ext:" + a.filename().substring(dot + 1).toLowerCase(Locale.ROOT));
      }
    }
    out.accept("X:parts:" + Math.min(texts.size() + m.attachments().size(), 6));
  }

  private static void addresses(ScannedMessage m, String field, String prefix, Consumer<String> out) {
    for (String v : m.header(field)) {
      int lt = v.indexOf('<');
      String address = lt >= 0 ? v.substring(lt + 1, Math.max(lt + 1, v.indexOf('>', lt) < 0 ? v.length() : v.indexOf('>', lt))) : v;
      if (lt > 0) {
        words(v.substring(0, lt), prefix + "n:", out);
      } else if (lt < 0 && v.indexOf('(') > 0) {
        words(v.substring(v.indexOf('(')), prefix + "n:", out);
        address = v.substring(0, v.indexOf('('));
      }
      address = address.strip().toLowerCase(Locale.ROOT);
      int at = address.lastIndexOf('@');
      if (at < 0) {
        out.accept(prefix + "noaddr");
        continue;
      }
      String local = address.substring(0, at);
      out.accept(prefix + "a:" + (local.length() <= MAX_WORD ? local : "sk:" + local.substring(0, 7)));
      out.accept(prefix + "ls:" + shape(local));
      domain(address.substring(at + 1), prefix + "d:", out);
    }
  }

  private static void recipients(ScannedMessage m, String field, String prefix, Consumer<String> out) {
    int count = 0;
    for (String v : m.header(field)) {
      for (String part : v.split(",")) {
        int at = part.lastIndexOf('@');
        if (at < 0) {
          continue;
        }
        count++;
        String d = ADDRESS_END.matcher(part.substring(at + 1)).replaceAll("").toLowerCase(Locale.ROOT);
        domain(d, prefix + "d:", out);
      }
    }
    out.accept(prefix + "n:" + (count <= 3 ? Integer.toString(count) : count <= 10 ? "few" : "many"));
  }

  /** A domain and its parents down to two labels: {@code a.b.example.org}, {@code b.example.org}, {@code example.org}. */
  private static void domain(String d, String prefix, Consumer<String> out) {
    d = d.strip();
    if (d.isEmpty() || d.length() > 100) {
      return;
    }
    if (IP_LITERAL.matcher(d).matches()) {
      out.accept(prefix + "ip");
      return;
    }
    out.accept(prefix + d);
    int dots = 0;
    for (int i = d.length() - 1; i >= 0; i--) {
      if (d.charAt(i) == '.' && ++dots >= 2) {
        out.accept(prefix + d.substring(i + 1));
        if (dots >= 4) {
          break;
        }
      }
    }
  }

  /**
   * One Received field: the names of the hosts it names (registered-domain part), the networks of its
   * addresses, and its protocol ({@code with ESMTP}); times and ids say nothing about the content.
   */
  private static void received(String r, Consumer<String> out) {
    String lower = r.toLowerCase(Locale.ROOT);
    int semi = lower.lastIndexOf(';');
    if (semi >= 0) {
      lower = lower.substring(0, semi);
    }
    int i = 0;
    int n = lower.length();
    while (i < n) {
      char c = lower.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && (Character.isLetterOrDigit(lower.charAt(i)) || lower.charAt(i) == '.' || lower.charAt(i) == '-')) {
        i++;
      }
      String w = lower.substring(start, i);
      if (w.endsWith(".")) {
        w = w.substring(0, w.length() - 1);
      }
      if (isIpv4(w)) {
        String[] q = w.split("\\.");
        out.accept("R:ip:" + q[0] + "." + q[1] + "." + q[2]);
        out.accept("R:ip:" + q[0] + "." + q[1]);
      } else if (w.indexOf('.') > 0 && Character.isLetter(w.charAt(w.length() - 1))) {
        String[] labels = w.split("\\.");
        int keep = labels.length >= 3 && labels[labels.length - 2].length() <= 3 ? 3 : 2;
        int from = Math.max(0, labels.length - keep);
        out.accept("R:h:" + String.join(".", Arrays.copyOfRange(labels, from, labels.length)));
      } else if (start >= 5 && lower.startsWith("with ", start - 5)) {
        out.accept("R:w:" + w);
      }
    }
  }

  private static boolean isIpv4(String w) {
    int dots = 0;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots == 3 && !w.startsWith(".") && !w.contains("..");
  }

  // ---- links

  private static void uri(String uri, Consumer<String> out) {
    String u = uri.strip();
    int scheme = u.indexOf("://");
    if (scheme < 0) {
      if (u.regionMatches(true, 0, "mailto:", 0, 7)) {
        int at = u.lastIndexOf('@');
        if (at > 0) {
          domain(QUERY.matcher(u.substring(at + 1)).replaceAll("").toLowerCase(Locale.ROOT), "U:m:", out);
        }
      }
      return;
    }
    out.accept("U:s:" + u.substring(0, scheme).toLowerCase(Locale.ROOT));
    String rest = u.substring(scheme + 3);
    int slash = indexOfAny(rest, "/?#");
    String host = slash < 0 ? rest : rest.substring(0, slash);
    host = host.substring(host.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      out.accept("U:port");
      host = host.substring(0, colon);
    }
    domain(host, "U:", out);
    if (slash >= 0) {
      words(rest.substring(slash).replace('/', ' ').replace('?', ' ').replace('&', ' ').replace('=', ' ')
          .replace('_', ' ').replace('.', ' ').replace('-', ' '), "UP:", out);
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  // ---- words

  /** Splits {@code text} into word tokens (and CJK/Thai bigrams), each given with {@code prefix}. */
  static void words(String text, String prefix, Consumer<String> out) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      if (isUnspaced(cp)) {
        int start = i;
        while (i < n && isUnspaced(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
        bigrams(text.substring(start, i), prefix, out);
        continue;
      }
      if (!Character.isLetterOrDigit(cp) && cp != '$') {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      while (i < n) {
        int c = text.codePointAt(i);
        if ((Character.isLetterOrDigit(c) && !isUnspaced(c)) || c == '$' || c == '\'' || c == '-' || c == '.'
            || c == '@' || c == '\u2019' || c == ',' && i + 1 < n && Character.isDigit(text.charAt(i + 1))
            && i > start && Character.isDigit(text.charAt(i - 1))) {
          i += Character.charCount(c);
        } else {
          break;
        }
      }
      word(text.substring(start, i), prefix, out);
    }
  }

  private static void word(String raw, String prefix, Consumer<String> out) {
    int end = raw.length();
    while (end > 0 && "'-.@\u2019".indexOf(raw.charAt(end - 1)) >= 0) {
      end--;
    }
    String w = raw.substring(0, end);
    if (w.isEmpty()) {
      return;
    }
    boolean letters = false;
    boolean digitsOnly = true;
    boolean upper = true;
    for (int k = 0; k < w.length(); k++) {
      char c = w.charAt(k);
      if (Character.isLetter(c)) {
        letters = true;
        upper &= Character.isUpperCase(c);
      }
      if (c < '0' || c > '9') {
        digitsOnly = false;
      }
    }
    if (digitsOnly) {
      out.accept(prefix + (w.length() <= 3 ? w : "N:" + Math.min(w.length(), 12)));
      return;
    }
    if (w.length() < MIN_WORD) {
      return;
    }
    String lower = w.toLowerCase(Locale.ROOT);
    if (lower.length() > MAX_WORD) {
      if (lower.indexOf('@') > 0) {
        int at = lower.lastIndexOf('@');
        out.accept(prefix + "sk:" + lower.substring(0, Math.min(7, at)) + "@");
        out.accept(prefix + "@" + lower.substring(at + 1));
      } else if (lower.indexOf('.') > 0 && letters && !lower.contains("..")) {
        out.accept(prefix + lower.substring(0, Math.min(lower.length(), 40))); // a host name or file name
      } else {
        out.accept(prefix + "sk:" + lower.substring(0, 7));
      }
      return;
    }
    out.accept(prefix + lower);
    if (letters && !upper && !w.equals(lower)) { // "FREE" has caps:, "Free" and "fRee" keep their case
      out.accept(prefix + "Cs:" + w);
    }
    if (letters && upper && w.length() >= 4) {
      out.accept(prefix + "caps:" + lower);
    }
  }

  /** Overlapping pairs of characters of a run written without spaces; a single one stands for itself. */
  private static void bigrams(String run, String prefix, Consumer<String> out) {
    int[] cps = run.codePoints().toArray();
    if (cps.length == 1) {
      out.accept(prefix + run);
      return;
    }
    int limit = Math.min(cps.length - 1, 4096);
    for (int k = 0; k < limit; k++) {
      out.accept(prefix + new String(cps, k, 2));
    }
  }

  /** Scripts written without spaces between words (RFC-free, by Unicode script). */
  static boolean isUnspaced(int cp) {
    if (cp < 0x0E00) {
      return false;
    }
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return switch (s) {
      case HAN, HIRAGANA, KATAKANA, THAI, LAO, KHMER, MYANMAR, TIBETAN -> true;
      default -> false;
    };
  }

  /** A string's outline: letters as {@code a}/{@code A}, digits as {@code 9}, runs collapsed, at most 20. */
  static String shape(String s) {
    StringBuilder b = new StringBuilder();
    char last = 0;
    for (int k = 0; k < s.length() && b.length() < 20; k++) {
      char c = s.charAt(k);
      char t = Character.isDigit(c) ? '9' : Character.isUpperCase(c) ? 'A' : Character.isLetter(c) ? 'a' : c;
      if (t != last) {
        b.append(t);
        last = t;
      }
    }
    return b.toString();
  }

  /**
   * A token's 64-bit hash: FNV-1a over its UTF-16 units, then the SplitMix64 finaliser to spread the
   * bits. With a million tokens in a database a collision is about as likely as 1 in 30 million.
   */
  public static long hash(String token) {
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < token.length(); k++) {
      h ^= token.charAt(k);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** A growing array of longs, sorted and made distinct at the end: cheaper than a set of boxed longs. */
  static final class LongBag {
    private long[] a = new long[512];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] sortedDistinct() {
      Arrays.sort(a, 0, n);
      int m = 0;
      for (int k = 0; k < n; k++) {
        if (m == 0 || a[k] != a[m - 1]) {
          a[m++] = a[k];
        }
      }
      return Arrays.copyOf(a, m);
    }
  }
}
