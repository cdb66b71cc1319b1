package dev.postamt.sieve.ext;

import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MailDate;
import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The reply a due {@link SieveAction.Vacation} sends (RFC 5230 §5, RFC 3834 §3): from the null
 * reverse-path to the sender, {@code Auto-Submitted: auto-replied}, {@code In-Reply-To} and
 * {@code References} threading it to the original. Header choices follow Pigeonhole so that its test
 * suite and {@code sieve-test} agree with ours: the To header keeps the sender's display name when a
 * Sender/Resent-From/From field carries the envelope sender's address.
 */
public final class VacationReply {
  private VacationReply() {}

  /** Pigeonhole's SIEVE_MAX_SUBJECT_HEADER_CODEPOINTS: longer subjects are cut and end in "…". */
  static final int MAX_SUBJECT_CODEPOINTS = 256;

  /** {@code subject} cut to {@link #MAX_SUBJECT_CODEPOINTS} code points, an ellipsis marking the cut. */
  public static String limit(String subject) {
    String s = subject.replaceAll("[\\r\\n]+[ \\t]*", " ");
    if (s.codePointCount(0, s.length()) <= MAX_SUBJECT_CODEPOINTS) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, MAX_SUBJECT_CODEPOINTS - 1)) + "\u2026";
  }

  /** The reply to send for {@code v} (which must be {@link SieveAction.Vacation#due() due}). */
  public static OutgoingMessage compose(SieveAction.Vacation v, SieveMessage original, SieveEnvelope envelope,
      SieveEnvironment env) {
    String recipient = v.recipient();
    StringBuilder b = new StringBuilder(512);
    header(b, "X-Sieve", "Postamt Sieve");
    header(b, "Message-ID", messageId(env));
    header(b, "Date", MailDate.format(env.now()));
    String from = v.from();
    if (from == null || from.isBlank()) {
      from = postmaster(env);
    }
    header(b, "From", from);
    header(b, "To", replyTo(original, recipient, env.flag("sieve_vacation_to_header_ignore_envelope", false)));
    header(b, "Subject", encodeWords(v.subject()));
    String references = first(original, "references");
    String id = first(original, "message-id");
    if (id != null) {
      header(b, "In-Reply-To", id);
      header(b, "References", references == null ? id : references + " " + id);
    } else if (references != null) {
      header(b, "References", references);
    }
    header(b, "Auto-Submitted", "auto-replied (vacation)");
    header(b, "Precedence", "bulk");
    header(b, "X-Auto-Response-Suppress", "All");
    header(b, "MIME-Version", "1.0");
    if (v.mime()) {
      // RFC 5230 §5.7: with :mime the reason is a MIME entity, its own header fields first
      b.append(crlf(v.reason())).append("\r\n");
    } else {
      b.append(textBody(v.reason() + "\r\n", "utf-8"));
    }
    String envelopeFrom = "";
    if (env.flag("sieve_vacation_send_from_recipient", false)) {
      String to = AddressParts.envelopePart(envelope.to(), "all");
      envelopeFrom = to == null ? "" : to;
    }
    return new OutgoingMessage(envelopeFrom, List.of(recipient), b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The administrator's postmaster address (Pigeonhole's postmaster_address), else postmaster@domain. */
  static String postmaster(SieveEnvironment env) {
    return env.setting("postmaster_address").orElseGet(() -> "postmaster@" + env.item("domain").orElse("localhost"));
  }

  static String messageId(SieveEnvironment env) {
    return "<" + UUID.randomUUID() + "@" + env.item("host").orElse("localhost") + ">";
  }

  /** The first value of {@code name}, folding removed, or null. */
  static String first(SieveMessage m, String name) {
    List<String> v = m.headerValues(name);
    return v.isEmpty() ? null : HeaderText.toUnicode(v.get(0).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
  }

  /** The sender as named in Sender, Resent-From or From when the address matches, else {@code <recipient>}. */
  static String replyTo(SieveMessage original, String recipient, boolean ignoreEnvelope) {
    for (String h : List.of("sender", "resent-from", "from")) {
      String value = first(original, h);
      if (value == null) {
        continue;
      }
      for (Address a : Address.parseList(value)) {
        if (a.isGroupStart() || a.isGroupEnd() || a.host() == null || a.mailbox() == null) {
          continue;
        }
        String addr = a.mailbox() + "@" + a.host();
        if (ignoreEnvelope || addr.equalsIgnoreCase(recipient)) {
          String name = a.name() == null ? "" : HeaderText.decode(a.name());
          if (name.isEmpty()) {
            return "<" + addr + ">";
          }
          // a non-ASCII name goes back into RFC 2047 words: the header section stays 7-bit
          return (name.chars().allMatch(c -> c < 0x80)
              ? "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : encodeWords(name)) + " <" + addr + ">";
        }
      }
    }
    return "<" + recipient + ">";
  }

  static void header(StringBuilder b, String name, String value) {
    b.append(name).append(": ").append(value).append("\r\n");
  }

  /** RFC 2047 B-encoding, in words of whole characters, when the text is not plain ASCII. */
  static String encodeWords(String text) {
    if (text.chars().allMatch(c -> c < 0x80)) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int end = i;
      int bytes = 0;
      while (end < text.length()) {
        int cp = text.codePointAt(end);
        int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (bytes + n > 45) {
          break;
        }
        bytes += n;
        end += Character.charCount(cp);
      }
      if (out.length() > 0) {
        out.append("\r\n ");
      }
      out.append("=?UTF-8?B?").append(java.util.Base64.getEncoder()
          .encodeToString(text.substring(i, end).getBytes(StandardCharsets.UTF_8))).append("?=");
      i = end;
    }
    return out.toString();
  }

  /**
   * Content-Type, Content-Transfer-Encoding, the blank line and the body of a text/plain part. ASCII
   * text is sent as it is ({@code 7bit}, labelled {@code asciiCharset}); other text as UTF-8 in quoted-printable (RFC 2045 §6.7), not
   * {@code 8bit} as Pigeonhole does, so that the message is 7-bit and any server takes it: our SMTP
   * client refuses an 8-bit message to a server without 8BITMIME rather than convert it, since
   * converting would break the DKIM signature generated mail carries.
   */
  static String textBody(String text, String asciiCharset) {
    String t = crlf(text);
    if (t.chars().allMatch(c -> c < 0x80)) {
      return "Content-Type: text/plain; charset=" + asciiCharset + "\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + t;
    }
    return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quotedPrintable(t);
  }

  /**
   * RFC 2045 §6.7 quoted-printable of {@code text} (CRLF line ends) in UTF-8: hard line breaks stay
   * CRLF, "=", control characters, non-ASCII bytes and whitespace before a line end are escaped, and
   * lines longer than 76 characters get soft breaks ("=" at the end).
   */
  static String quotedPrintable(String text) {
    StringBuilder out = new StringBuilder(text.length() + text.length() / 4);
    String[] lines = text.split("\r\n", -1);
    for (int li = 0; li < lines.length; li++) {
      byte[] bytes = lines[li].getBytes(StandardCharsets.UTF_8);
      int col = 0;
      for (int i = 0; i < bytes.length; i++) {
        int c = bytes[i] & 0xff;
        boolean last = i == bytes.length - 1;
        boolean plain = c >= 33 && c <= 126 && c != '=' || (c == ' ' || c == '\t') && !last;
        String piece = plain ? String.valueOf((char) c) : String.format("=%02X", c);
        // keep room for the soft break's "=" unless this is the last piece of the line
        if (col + piece.length() > (last ? 76 : 75)) {
          out.append("=\r\n");
          col = 0;
        }
        out.append(piece);
        col += piece.length();
      }
      if (li < lines.length - 1) {
        out.append("\r\n");
      }
    }
    return out.toString();
  }

  /** Bare LF and CR made CRLF, as SMTP wants. */
  static String crlf(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
  }
}
