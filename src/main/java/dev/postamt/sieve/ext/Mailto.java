package dev.postamt.sieve.ext;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MailDate;
import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The mailto notification method (RFC 5436): parsing the URI (RFC 6068 syntax, as Pigeonhole's
 * uri-mailto.c reads it) and composing the notification messages a result's {@code notify} actions send.
 * Header fields that would let a script forge the message (RFC 5436 §2.2: From, Auto-Submitted,
 * Received, Message-ID, Resent-*, ...) are ignored; duplicate recipients are sent one message.
 */
public final class Mailto {
  private Mailto() {}

  /** A recipient as written ({@code full}, possibly with a display name), its address, and To or Cc. */
  record Recipient(String full, String address, boolean cc) {}

  /** A parsed mailto URI. */
  record Uri(List<Recipient> recipients, List<String[]> headers, String subject, String body) {}

  static final Set<String> RESERVED = Set.of("auto-submitted", "received", "message-id", "data", "bcc", "in-reply-to",
      "references", "resent-date", "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc",
      "resent-msg-id", "from", "sender");

  /** Thrown for a URI that is not a valid mailto URI; the message says why. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  /** RFC 6068 qchar, less "=", "&" and "?" which delimit the parts. */
  private static boolean qchar(char c) {
    return c == '!' || c == '$' || c >= '\'' && c <= '.' || c >= '0' && c <= ';' || c >= '@' && c <= 'Z' || c == '_'
        || c >= 'a' && c <= 'z' || c == '~';
  }

  /** Parses the URI after "mailto:". */
  static Uri parse(String body) throws Invalid {
    List<Recipient> recipients = new ArrayList<>();
    List<String[]> headers = new ArrayList<>();
    String[] subjectBody = new String[2];
    int i = 0;
    ByteArrayOutputStream to = new ByteArrayOutputStream();
    boolean any = false;
    while (i < body.length() && body.charAt(i) != '?') {
      char c = body.charAt(i);
      any = true;
      if (c == '%') {
        int v = hex(body, i + 1);
        i += 3;
        if (v == ',') {
          add(recipients, text(to), false);
          to.reset();
        } else {
          to.write(v);
        }
      } else {
        if (c == ':' || c == ';' || c == ',' || !qchar(c)) {
          throw new Invalid("invalid character '" + c + "' in 'to' part");
        }
        to.write(c);
        i++;
      }
    }
    if (any) {
      add(recipients, text(to), false);
    }
    if (i < body.length()) {
      i++;
      while (i < body.length()) {
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        while (i < body.length() && body.charAt(i) != '=') {
          char c = body.charAt(i);
          if (c == '%') {
            name.write(hex(body, i + 1));
            i += 3;
          } else if (!qchar(c)) {
            throw new Invalid("invalid character '" + c + "' in header field name part");
          } else {
            name.write(c);
            i++;
          }
        }
        i++;
        String field = text(name);
        if (!Core.validHeaderName(field)) {
          throw new Invalid("invalid header field name");
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        while (i < body.length() && body.charAt(i) != '&') {
          char c = body.charAt(i);
          if (c == '%') {
            value.write(hex(body, i + 1));
            i += 3;
          } else if (c != '=' && !qchar(c)) {
            throw new Invalid("invalid character '" + c + "' in header field value part");
          } else {
            value.write(c);
            i++;
          }
        }
        i++;
        String v = text(value);
        String lower = field.toLowerCase(Locale.ROOT);
        if (!lower.equals("body") && v.chars().anyMatch(c -> c == '\r' || c == '\n' || c >= 0x80)) {
          throw new Invalid("invalid header field body");
        }
        switch (lower) {
          case "to", "cc" -> {
            for (String r : v.split(",", -1)) {
              add(recipients, r, lower.equals("cc"));
            }
          }
          case "subject" -> subjectBody[0] = subjectBody[0] == null ? v : subjectBody[0];
          case "body" -> subjectBody[1] = subjectBody[1] == null ? v : subjectBody[1];
          default -> {
            boolean duplicate = lower.equals("reply-to") && headers.stream().anyMatch(h -> h[0].equalsIgnoreCase(field));
            if (!RESERVED.contains(lower) && !duplicate) {
              headers.add(new String[] {field, v});
            }
          }
        }
      }
    }
    return new Uri(recipients, headers, subjectBody[0], subjectBody[1]);
  }

  private static int hex(String s, int at) throws Invalid {
    if (at + 2 > s.length()) {
      throw new Invalid("invalid % encoding");
    }
    int hi = Character.digit(s.charAt(at), 16);
    int lo = Character.digit(s.charAt(at + 1), 16);
    if (hi < 0 || lo < 0 || hi == 0 && lo == 0) {
      throw new Invalid("invalid % encoding");
    }
    return hi << 4 | lo;
  }

  private static String text(ByteArrayOutputStream b) {
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  private static void add(List<Recipient> recipients, String full, boolean cc) throws Invalid {
    String address = Core.bareAddress(full);
    if (address == null) {
      throw new Invalid("invalid recipient '" + full + "'");
    }
    for (int k = 0; k < recipients.size(); k++) {
      Recipient r = recipients.get(k);
      if (r.address().equalsIgnoreCase(address)) {
        // A Cc recipient named again in To becomes a To recipient.
        recipients.set(k, new Recipient(r.full(), r.address(), r.cc() && cc));
        return;
      }
    }
    recipients.add(new Recipient(full.strip(), address, cc));
  }

  /**
   * The messages the {@code notify :method "mailto:..."} actions of a result send, in order. Nothing is
   * sent about a message that is itself automatic (RFC 5436 §2.7: Auto-Submitted other than "no"), and
   * a recipient already notified by an earlier action of the same result is left out.
   */
  public static List<OutgoingMessage> notifications(List<SieveAction> actions, SieveMessage original,
      SieveEnvelope envelope, SieveEnvironment env) {
    List<OutgoingMessage> out = new ArrayList<>();
    for (String v : original.headerValues("auto-submitted")) {
      if (!v.strip().equalsIgnoreCase("no")) {
        return out;
      }
    }
    Set<String> notified = new HashSet<>();
    for (SieveAction a : actions) {
      if (!(a instanceof SieveAction.Notify n) || !n.method().regionMatches(true, 0, "mailto:", 0, 7)) {
        continue;
      }
      Uri uri;
      try {
        uri = parse(n.method().substring(7));
      } catch (Invalid e) {
        continue;
      }
      List<Recipient> recipients = new ArrayList<>();
      for (Recipient r : uri.recipients()) {
        if (notified.add(r.address().toLowerCase(Locale.ROOT))) {
          recipients.add(r);
        }
      }
      if (!recipients.isEmpty()) {
        out.add(compose(n, uri, recipients, original, envelope, env));
      }
    }
    return out;
  }

  private static OutgoingMessage compose(SieveAction.Notify n, Uri uri, List<Recipient> recipients,
      SieveMessage original, SieveEnvelope envelope, SieveEnvironment env) {
    String userEmail = env.setting("sieve_user_email").filter(s -> !s.isBlank()).orElse(null);
    String sender = AddressParts.envelopePart(envelope.from(), "all");
    String recipient = AddressParts.envelopePart(envelope.to(), "all");
    String postmaster = Core.bareAddress(VacationReply.postmaster(env));
    String fromAddress = n.from() == null ? null : Core.bareAddress(n.from());
    // RFC 5436 §2.3: :from sets the From field and may set the envelope sender; Pigeonhole's
    // sieve_notify_mailto_envelope_from chooses the latter; the null sender stays null.
    String envelopeFrom;
    String source = env.setting("sieve_notify_mailto_envelope_from").orElse("default").strip();
    if (sender != null && sender.isEmpty()) {
      envelopeFrom = "";
    } else {
      envelopeFrom = Redirects.addressSource(source, envelope, env).orElse(null);
      if (envelopeFrom == null) {
        envelopeFrom = fromAddress != null ? fromAddress : userEmail != null ? Core.bareAddress(userEmail) : postmaster;
      }
    }
    String from = n.from() != null ? n.from()
        : envelopeFrom == null || envelopeFrom.isEmpty() ? VacationReply.postmaster(env) : "<" + envelopeFrom + ">";
    String subject;
    if (n.message() != null) {
      subject = VacationReply.limit(n.message());
    } else if (uri.subject() != null) {
      subject = uri.subject();
    } else {
      List<String> s = original.headerValues("subject");
      subject = s.isEmpty() ? "Notification: (no subject)" : VacationReply.limit("Notification: " + HeaderText.decode(s.get(0)));
    }
    String owner = userEmail != null ? Core.bareAddress(userEmail) : recipient != null && !recipient.isEmpty() ? recipient : postmaster;
    StringBuilder b = new StringBuilder(512);
    VacationReply.header(b, "X-Sieve", "Postamt Sieve");
    VacationReply.header(b, "Message-ID", VacationReply.messageId(env));
    VacationReply.header(b, "Date", MailDate.format(env.now()));
    VacationReply.header(b, "Subject", VacationReply.encodeWords(subject));
    VacationReply.header(b, "From", from);
    String to = join(recipients, false);
    String cc = join(recipients, true);
    if (!to.isEmpty()) {
      VacationReply.header(b, "To", to);
    }
    if (!cc.isEmpty()) {
      VacationReply.header(b, "Cc", cc);
    }
    VacationReply.header(b, "Auto-Submitted", "auto-notified; owner-email=\"" + owner + "\"");
    VacationReply.header(b, "Precedence", "bulk");
    switch (n.importance() == null ? "2" : n.importance().strip()) {
      case "1" -> {
        VacationReply.header(b, "X-Priority", "1 (Highest)");
        VacationReply.header(b, "Importance", "High");
      }
      case "3" -> {
        VacationReply.header(b, "X-Priority", "5 (Lowest)");
        VacationReply.header(b, "Importance", "Low");
      }
      default -> {
        VacationReply.header(b, "X-Priority", "3 (Normal)");
        VacationReply.header(b, "Importance", "Normal");
      }
    }
    for (String[] h : uri.headers()) {
      VacationReply.header(b, h[0], h[1]);
    }
    VacationReply.header(b, "MIME-Version", "1.0");
    if (uri.body() != null) {
      // quoted-printable when not ASCII, so the notification is 7-bit (VacationReply.textBody)
      b.append(VacationReply.textBody(uri.body() + "\r\n", "us-ascii"));
    } else {
      VacationReply.header(b, "Content-Type", "text/plain; charset=US-ASCII");
      VacationReply.header(b, "Content-Transfer-Encoding", "7bit");
      b.append("\r\nNotification of new message.\r\n");
    }
    List<String> rcpts = new ArrayList<>();
    for (Recipient r : recipients) {
      rcpts.add(r.address());
    }
    return new OutgoingMessage(envelopeFrom == null ? "" : envelopeFrom, rcpts, b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String join(List<Recipient> recipients, boolean cc) {
    StringBuilder b = new StringBuilder();
    for (Recipient r : recipients) {
      if (r.cc() == cc) {
        b.append(b.length() == 0 ? "" : ", ").append(r.full());
      }
    }
    return b.toString();
  }
}
