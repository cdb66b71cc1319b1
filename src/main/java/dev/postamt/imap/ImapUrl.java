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
 * section. URLAUTH-authorized URLs (RFC 4467) are not accepted: CATENATE reaches only the logged-in
 * user's own mailboxes, so an absolute URL must name that user (the host is not compared: a client
 * names this server the way it reached it).
 *
 * @param uidValidity -1 when the URL gives none
 * @param section the section spec as in {@code BODY[...]}, empty for the whole message
 * @param partialOffset -1 when there is no {@code ;PARTIAL=}
 * @param partialLength -1 for "to the end"
 */
record ImapUrl(String user, String mailbox, long uidValidity, long uid, String section, long partialOffset,
    long partialLength) {

  /** The URL, or empty when it is not an IMAP message URL this server can resolve. */
  static Optional<ImapUrl> parse(String url) {
    try {
      return Optional.ofNullable(parseOrNull(url));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static ImapUrl parseOrNull(String url) {
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
      int auth = userinfo.toUpperCase(Locale.ROOT).indexOf(";AUTH=");
      user = decode(auth < 0 ? userinfo : userinfo.substring(0, auth));
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
    return new ImapUrl(user, mailbox, uidValidity, uid, section, offset, length);
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
