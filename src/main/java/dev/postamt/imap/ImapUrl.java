package dev.postamt.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * An IMAP URL naming one message or part of it (RFC 5092 §6, "imessagepart"), as CATENATE takes them
 * (RFC 4469 §5): {@code /INBOX;UIDVALIDITY=785799047/;UID=113330/;SECTION=1.5.9/;PARTIAL=0.1024}, or the
 * same behind {@code imap://user@host}. The mailbox name is percent-encoded UTF-8 (§3.2), and so is the
 * section. {@link #parse} takes plain URLs only: CATENATE reaches the logged-in user's own mailboxes, so
 * an absolute URL must name that user (the host is not compared: a client names this server the way it
 * reached it). {@link #parseAuthorized} takes the URLAUTH forms (RFC 4467 §3): {@code
 * imap://fred@host/INBOX/;UID=20;EXPIRE=2030-01-01T00:00:00Z;URLAUTH=submit+fred:INTERNAL:9135…}, its
 * rump without {@code :mech:token} for GENURLAUTH.
 *
 * @param uidValidity -1 when the URL gives none
 * @param section the section spec as in {@code BODY[...]}, empty for the whole message
 * @param partialOffset -1 when there is no {@code ;PARTIAL=}
 * @param partialLength -1 for "to the end"
 * @param auth the {@code ;EXPIRE=} and {@code ;URLAUTH=} part, or null
 */
record ImapUrl(String user, String mailbox, long uidValidity, long uid, String section, long partialOffset,
    long partialLength, Authorization auth) {

  ImapUrl(String user, String mailbox, long uidValidity, long uid, String section, long partialOffset,
      long partialLength) {
    this(user, mailbox, uidValidity, uid, section, partialOffset, partialLength, null);
  }

  /**
   * The URLAUTH component (RFC 4467 §3, RFC 5092 §11 {@code iurlauth}).
   *
   * @param rump the URL up to and including the access identifier, exactly as sent: what the token is
   *     computed over (RFC 4467 §6 forbids any decoding or case-folding)
   * @param expire the {@code ;EXPIRE=} instant, or null
   * @param access the access identifier as sent ({@code submit+fred}, {@code user+fred}, {@code
   *     authuser}, {@code anonymous})
   * @param mechanism null in a rump
   * @param token the hexadecimal token, null in a rump
   */
  record Authorization(String rump, java.time.Instant expire, String access, String mechanism, String token) {}

  /** The URL, or empty when it is not a plain IMAP message URL this server can resolve. */
  static Optional<ImapUrl> parse(String url) {
    try {
      return Optional.ofNullable(parseOrNull(url, false));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * An absolute message URL with a URLAUTH component, complete or (for GENURLAUTH) a rump; empty when
   * it is not one.
   */
  static Optional<ImapUrl> parseAuthorized(String url) {
    try {
      ImapUrl u = parseOrNull(url, true);
      return u == null || u.user() == null || u.auth() == null ? Optional.empty() : Optional.of(u);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static ImapUrl parseOrNull(String url, boolean authorized) {
    Authorization auth = null;
    // ';' is never part of a mailbox name or section in a URL (RFC 5092 §11: it is not a uchar), so
    // the first ;EXPIRE= or ;URLAUTH= starts the iurlauth component.
    String upper = url.toUpperCase(Locale.ROOT);
    int expire = upper.indexOf(";EXPIRE=");
    int urlauth = upper.indexOf(";URLAUTH=");
    if (!authorized && (expire >= 0 || urlauth >= 0)) {
      return null;
    }
    if (authorized) {
      if (urlauth < 0 || (expire >= 0 && expire > urlauth)) {
        return null;
      }
      int start = expire >= 0 ? expire : urlauth;
      auth = authorization(url, start, expire, urlauth);
      if (auth == null) {
        return null;
      }
      url = url.substring(0, start);
    }
    String user = null;
    String rest = url;
    if (startsWithIgnoreCase(rest, "imap://")) {
      int slash = rest.indexOf('/', 7);
      if (slash < 0) {
        return null;
      }
      String authority = rest.substring(7, slash);
      int at = authority.lastIndexOf('@');
      if (at < 0) {
        return null; // no user: RFC 5092 anonymous access, which this server does not have
      }
      String userinfo = authority.substring(0, at);
      int iauth = userinfo.toUpperCase(Locale.ROOT).indexOf(";AUTH=");
      user = decode(iauth < 0 ? userinfo : userinfo.substring(0, iauth));
      if (user == null || user.isEmpty()) {
        return null;
      }
      rest = rest.substring(slash);
    }
    if (!rest.startsWith("/")) {
      return null;
    }
    int semi = rest.indexOf(';');
    if (semi < 0) {
      return null;
    }
    String encMailbox = rest.substring(1, semi);
    rest = rest.substring(semi);
    long uidValidity = -1;
    if (startsWithIgnoreCase(rest, ";UIDVALIDITY=")) {
      rest = rest.substring(13);
      int end = digits(rest);
      uidValidity = Long.parseLong(rest.substring(0, end));
      rest = rest.substring(end);
      if (!rest.startsWith("/")) {
        return null;
      }
      rest = rest.substring(1);
    } else {
      if (!encMailbox.endsWith("/")) {
        return null;
      }
      encMailbox = encMailbox.substring(0, encMailbox.length() - 1);
    }
    String mailbox = decode(encMailbox);
    if (mailbox == null || mailbox.isEmpty() || !startsWithIgnoreCase(rest, ";UID=")) {
      return null;
    }
    rest = rest.substring(5);
    int end = digits(rest);
    long uid = Long.parseLong(rest.substring(0, end));
    rest = rest.substring(end);
    String section = "";
    if (startsWithIgnoreCase(rest, "/;SECTION=")) {
      rest = rest.substring(10);
      int stop = rest.indexOf("/;");
      String enc = stop < 0 ? rest : rest.substring(0, stop);
      section = decode(enc);
      if (section == null || section.isEmpty()) {
        return null;
      }
      rest = stop < 0 ? "" : rest.substring(stop);
    }
    long offset = -1;
    long length = -1;
    if (startsWithIgnoreCase(rest, "/;PARTIAL=")) {
      rest = rest.substring(10);
      end = digits0(rest);
      offset = Long.parseLong(rest.substring(0, end));
      rest = rest.substring(end);
      if (rest.startsWith(".")) {
        rest = rest.substring(1);
        end = digits(rest);
        length = Long.parseLong(rest.substring(0, end));
        rest = rest.substring(end);
      }
    }
    if (!rest.isEmpty()) {
      return null; // ;URLAUTH=, ;EXPIRE= and anything else
    }
    if (uid == 0 || uidValidity == 0) {
      return null;
    }
    return new ImapUrl(user, mailbox, uidValidity, uid, section, offset, length, auth);
  }

  /** {@code [";EXPIRE=" date-time] ";URLAUTH=" access [":" mech ":" token]} from {@code start} to the end. */
  private static Authorization authorization(String url, int start, int expire, int urlauth) {
    java.time.Instant expires = null;
    if (expire >= 0) {
      String when = url.substring(expire + 8, urlauth).toUpperCase(Locale.ROOT); // RFC 3339 allows t and z
      try {
        expires = java.time.OffsetDateTime.parse(when).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
    String tail = url.substring(urlauth + 9);
    int colon = tail.indexOf(':');
    String access = colon < 0 ? tail : tail.substring(0, colon);
    if (access.isEmpty() || !access.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return null;
    }
    if (colon < 0) {
      return new Authorization(url, expires, access, null, null);
    }
    String rump = url.substring(0, urlauth + 9 + colon);
    String verifier = tail.substring(colon + 1);
    int second = verifier.indexOf(':');
    if (second <= 0) {
      return null;
    }
    String mech = verifier.substring(0, second);
    String token = verifier.substring(second + 1);
    if (!mech.matches("[A-Za-z0-9.-]+") || !token.matches("[0-9A-Fa-f]{32,}")) {
      return null; // RFC 4467 §9: enc-urlauth = 32*HEXDIG
    }
    return new Authorization(rump, expires, access, mech, token);
  }

  /**
   * The octets this URL names in {@code message}, as {@code BODY.PEEK[section]<partial>} would give them
   * (RFC 4469 §5, RFC 5092 §6); {@code bad} when the section is not one.
   */
  byte[] select(byte[] message, ImapException bad) throws ImapException {
    byte[] data = message;
    if (!section.isEmpty()) {
      data = new FetchResponder(message).section(sectionSpec(bad));
    }
    return partial(data);
  }

  /** {@code ;PARTIAL=} applied to {@code data} (RFC 5092 §6, RFC 5550 §5 URL-PARTIAL). */
  byte[] partial(byte[] data) {
    if (partialOffset < 0) {
      return data;
    }
    int from = (int) Math.min(partialOffset, data.length);
    int to = partialLength < 0 ? data.length : (int) Math.min(data.length, from + partialLength);
    return java.util.Arrays.copyOfRange(data, from, to);
  }

  /** The section, read by the FETCH grammar ({@code BODY.PEEK[section]}). */
  FetchAttr.Section sectionSpec(ImapException bad) throws ImapException {
    try {
      byte[] wire = ("x FETCH 1 BODY.PEEK[" + section + "]").getBytes(StandardCharsets.UTF_8);
      Command.Fetch f = (Command.Fetch) CommandParser.parse(wire).command();
      if (f.attrs().size() == 1 && f.attrs().getFirst() instanceof FetchAttr.Section sec && sec.origin() < 0) {
        return sec;
      }
    } catch (ImapException e) {
      // falls through to the caller's refusal
    }
    throw bad;
  }

  /** The length of the leading nz-number of {@code s}; fails when there is none. */
  private static int digits(String s) {
    int n = digits0(s);
    if (s.charAt(0) == '0') {
      throw new IllegalArgumentException("zero");
    }
    return n;
  }

  private static int digits0(String s) {
    int i = 0;
    while (i < s.length() && i < 10 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("digits expected");
    }
    return i;
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** Percent-decoding to UTF-8 (RFC 3986 §2.1); null for a bad escape or bytes that are not UTF-8. */
  static String decode(String s) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        o.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x21 || c > 0x7e) {
        return null;
      } else {
        o.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(o.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
