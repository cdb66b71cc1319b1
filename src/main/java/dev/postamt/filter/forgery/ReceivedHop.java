package dev.postamt.filter.forgery;

import dev.postamt.filter.uri.Domains;
import dev.postamt.mime.HeaderText;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Received field read as a hop (RFC 5321 §4.4 {@code Time-stamp-line}): who connected ({@code
 * from}: the name it gave in HELO, its reverse DNS name and address as the receiving server wrote
 * them), who received ({@code by}) and when. The clause grammar of §4.4 is what few servers write
 * literally; the parser knows the common forms:
 *
 * <pre>
 * Postfix, Sendmail:  from HELO (RDNS [IP]) by HOST …          from HELO (unknown [IP])   (IDENT@RDNS [IP])
 * Exim:               from RDNS ([IP] helo=HELO) by HOST …     from [IP] (helo=HELO)      ([IP]:PORT helo=…)
 * qmail:              from RDNS (HELO HELO) (IP) by HOST …     from unknown (HELO HELO) (IP)
 * Exchange:           from HELO (IP) by HOST (IP) with Microsoft SMTP Server …
 * Gmail:              from HELO (RDNS. [IP]) by mx.google.com …  by 2002:a05:…  with SMTP id …
 * </pre>
 *
 * Anything else yields a hop with what could be read (possibly nothing but the date). Never throws.
 *
 * @param helo the name the client gave ("" when not stated)
 * @param rdns the client's reverse DNS name as the receiver wrote it; "" when the receiver said it has
 *     none ({@code unknown}); null when the field does not say
 * @param ip the client's address as written (normalised), or "" when none
 * @param by the receiving host ("" when none)
 * @param date when the hop happened, or null when the field has no readable date
 * @param raw the unfolded field value
 */
public record ReceivedHop(String helo, String rdns, String ip, String by, Instant date, String raw) {
  private static final Pattern FROM = Pattern.compile("^\\s*from\\s+(\\S+?)(?=[\\s(]|$)", Pattern.CASE_INSENSITIVE);
  private static final Pattern BY = Pattern.compile("(?:^|[\\s)])by\\s+([^\\s;()]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern BRACKET_IP = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]{3,45})\\]");
  private static final Pattern BARE_IP = Pattern.compile("^\\s*(?:IPv6:)?([0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)\\s*$");
  private static final Pattern EXIM_HELO = Pattern.compile("\\bhelo=([^\\s)\\]]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern QMAIL_HELO = Pattern.compile("^\\s*HELO\\s+(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?");
  /** Compiled once: {@code String.replaceAll} compiled its pattern anew for every field of every scan. */
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern BRACKETS = Pattern.compile("^\\[(?:IPv6:)?|\\]:?\\d*$|\\]$");

  /** Whether the client's address is known. */
  public boolean hasIp() {
    return !ip.isEmpty();
  }

  /** The client's address, or null. */
  public InetAddress address() {
    return ip.isEmpty() ? null : Domains.parse(ip);
  }

  /** The Received fields of a message, newest (topmost) first. */
  public static List<ReceivedHop> chain(List<String> received) {
    List<ReceivedHop> out = new ArrayList<>(received.size());
    for (String r : received) {
      out.add(parse(r));
    }
    return out;
  }

  /** Reads one Received field value (unfolded or not). */
  public static ReceivedHop parse(String value) {
    String v = SPACES.matcher(HeaderText.unfold(value)).replaceAll(" ").strip();
    Instant date = null;
    int semi = v.lastIndexOf(';');
    String clauses = v;
    if (semi >= 0) {
      ZonedDateTime d = HeaderText.parseDate(v.substring(semi + 1));
      date = d == null ? null : d.toInstant();
      clauses = v.substring(0, semi);
    }
    String by = "";
    Matcher b = BY.matcher(HeaderText.stripComments(clauses));
    if (b.find()) {
      by = Domains.normalise(b.group(1));
    }
    Matcher f = FROM.matcher(clauses);
    if (!f.find()) {
      return new ReceivedHop("", null, "", by, date, v);
    }
    String fromWord = f.group(1);
    List<String> comments = comments(clauses, f.end(), 2);
    String helo = "";
    String rdns = null;
    String ip = "";
    String exim = null;
    String qmail = null;
    for (String c : comments) {
      Matcher e = EXIM_HELO.matcher(c);
      if (exim == null && e.find()) {
        exim = e.group(1);
      }
      Matcher q = QMAIL_HELO.matcher(c);
      if (qmail == null && q.matches()) {
        qmail = q.group(1);
      }
      if (ip.isEmpty()) {
        Matcher m = BRACKET_IP.matcher(c);
        if (m.find()) {
          ip = address(m.group(1));
          String before = c.substring(0, m.start()).strip();
          if (exim == null && qmail == null) {
            rdns = nameBefore(before);
          }
        } else {
          Matcher bare = BARE_IP.matcher(c);
          if (bare.matches()) {
            ip = address(bare.group(1));
          }
        }
      }
    }
    String fromIp = fromWord.startsWith("[") ? address(BRACKETS.matcher(fromWord).replaceAll("")) : "";
    if (ip.isEmpty()) {
      ip = fromIp;
    }
    if (exim != null) { // from RDNS ([IP] helo=HELO), or from [IP] (helo=HELO)
      helo = Domains.normalise(exim);
      rdns = fromWord.startsWith("[") ? "" : Domains.normalise(fromWord);
    } else if (qmail != null) { // from RDNS (HELO HELO) (IP)
      helo = Domains.normalise(qmail);
      rdns = fromWord.equalsIgnoreCase("unknown") ? "" : Domains.normalise(fromWord);
    } else {
      helo = Domains.normalise(fromWord);
    }
    return new ReceivedHop(helo, rdns, ip, by, date, v);
  }

  /** The reverse name before {@code [IP]} in a Postfix/Sendmail comment: {@code ident@name}, {@code unknown}. */
  private static String nameBefore(String before) {
    if (before.isEmpty()) {
      return null;
    }
    String w = before.substring(before.lastIndexOf(' ') + 1);
    w = w.substring(w.lastIndexOf('@') + 1);
    if (w.equalsIgnoreCase("unknown") || w.equalsIgnoreCase("unverified")) {
      return "";
    }
    return NAME.matcher(w).matches() ? Domains.normalise(w) : null;
  }

  private static String address(String text) {
    InetAddress a = Domains.parse(text);
    return a == null ? "" : dev.postamt.dns.DnsNames.addressText(a);
  }

  /** Up to {@code max} top-level comments directly after {@code start} (only white space between). */
  private static List<String> comments(String s, int start, int max) {
    List<String> out = new ArrayList<>(max);
    int i = start;
    while (out.size() < max) {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= s.length() || s.charAt(i) != '(') {
        break;
      }
      int depth = 0;
      int j = i;
      for (; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          break;
        }
      }
      out.add(s.substring(i + 1, Math.min(j, s.length())));
      i = j + 1;
    }
    return out;
  }

  @Override
  public String toString() {
    return "from " + (helo.isEmpty() ? "?" : helo) + " (" + (rdns == null ? "" : rdns.isEmpty() ? "unknown " : rdns + " ")
        + (ip.isEmpty() ? "" : "[" + ip + "]") + ") by " + (by.isEmpty() ? "?" : by)
        + (date == null ? "" : "; " + date);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
