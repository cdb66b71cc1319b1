package dev.postamt.queue;

import dev.postamt.mime.MailDate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a delivery status notification (RFC 3464): {@code multipart/report;
 * report-type=delivery-status} with a human-readable part, the {@code message/delivery-status} part
 * and the original message (whole, RFC 3461 RET=FULL) or its header section (RET=HDRS). For SMTPUTF8
 * messages the returned parts are {@code message/global} and {@code message/global-headers} (RFC
 * 6533).
 *
 * <p>The per-recipient fields come from the status texts the delivery agents record: a leading
 * enhanced status code, and for remote replies "host NAME[IP] said: REPLY (in reply to X command)",
 * which gives Remote-MTA and an {@code smtp;} Diagnostic-Code.
 */
final class DsnMessage {
  private static final Pattern STATUS = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})\\s*(.*)$", Pattern.DOTALL);
  private static final Pattern REMOTE = Pattern.compile("host (\\S+?)\\[[^\\]]*\\] said: (.*?)(?: \\(in reply to .*\\))?$");

  /** What happened to the recipients this notice is about. */
  enum Kind {
    FAILURE("failed", "Undelivered Mail Returned to Sender"),
    DELAY("delayed", "Delayed Mail (still being retried)"),
    SUCCESS("delivered", "Successful Mail Delivery Report");

    final String action;
    final String subject;

    Kind(String action, String subject) {
      this.action = action;
      this.subject = subject;
    }

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One recipient's line in the report. */
  record Line(Envelope.Recipient recipient, RecipientStatus status, String action) {}

  private DsnMessage() {}

  /**
   * @param to the notice's recipient (the original sender, or the postmaster)
   * @param fullMessage return the whole message (else only its header section)
   * @param original opens the original message bytes (after our added headers)
   */
  static void write(
      OutputStream out,
      String hostname,
      String dsnId,
      QueuedMessage m,
      Kind kind,
      List<Line> lines,
      String to,
      boolean fullMessage,
      Instant now,
      Instant retryUntil,
      Original original)
      throws IOException {
    Envelope env = m.envelope();
    String boundary = dsnId + "/" + hostname;
    StringBuilder h = new StringBuilder(2048);
    h.append("Date: ").append(MailDate.format(now.atZone(ZoneId.systemDefault()))).append("\r\n");
    h.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n");
    h.append("To: <").append(ascii(to)).append(">\r\n");
    h.append("Subject: ").append(kind.subject).append("\r\n");
    h.append("Message-ID: <").append(dsnId).append('@').append(hostname).append(">\r\n");
    // RFC 3834: automatic replies must not trigger vacation replies and the like
    h.append("Auto-Submitted: auto-replied\r\n");
    h.append("MIME-Version: 1.0\r\n");
    h.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
    h.append("\r\n");
    h.append("This is a MIME-encapsulated message.\r\n\r\n");

    h.append("--").append(boundary).append("\r\n");
    h.append("Content-Description: Notification\r\n");
    h.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    h.append(humanText(hostname, kind, lines, m, retryUntil));
    h.append("\r\n");

    h.append("--").append(boundary).append("\r\n");
    h.append("Content-Description: Delivery report\r\n");
    h.append("Content-Type: message/delivery-status\r\n\r\n");
    h.append("Reporting-MTA: dns; ").append(hostname).append("\r\n");
    h.append("X-Postamt-Queue-ID: ").append(m.id()).append("\r\n");
    env.envid().ifPresent(e -> h.append("Original-Envelope-Id: ").append(ascii(e)).append("\r\n"));
    if (!env.sender().isEmpty()) {
      h.append("X-Postamt-Sender: rfc822; ").append(ascii(env.sender())).append("\r\n");
    }
    h.append("Arrival-Date: ").append(MailDate.format(env.arrival().atZone(ZoneId.systemDefault()))).append("\r\n");
    for (Line l : lines) {
      h.append("\r\n");
      h.append("Final-Recipient: rfc822; ").append(ascii(l.recipient().address())).append("\r\n");
      originalRecipient(l.recipient()).ifPresent(o -> h.append("Original-Recipient: ").append(o).append("\r\n"));
      h.append("Action: ").append(l.action()).append("\r\n");
      String text = text(l.status());
      Matcher sm = STATUS.matcher(text);
      String status = sm.matches() ? sm.group(1) : (kind == Kind.FAILURE ? "5.0.0" : kind == Kind.DELAY ? "4.0.0" : "2.0.0");
      String rest = sm.matches() ? sm.group(2) : text;
      h.append("Status: ").append(status).append("\r\n");
      Matcher rm = REMOTE.matcher(rest);
      if (rm.find()) {
        h.append("Remote-MTA: dns; ").append(ascii(rm.group(1))).append("\r\n");
        h.append(fold("Diagnostic-Code: smtp; " + ascii(rm.group(2)))).append("\r\n");
      } else if (!rest.isBlank() && kind != Kind.SUCCESS) {
        h.append(fold("Diagnostic-Code: X-Postamt; " + ascii(rest))).append("\r\n");
      }
      if (kind != Kind.SUCCESS) {
        h.append("Last-Attempt-Date: ").append(MailDate.format(now.atZone(ZoneId.systemDefault()))).append("\r\n");
      }
      if (kind == Kind.DELAY && retryUntil != null) {
        h.append("Will-Retry-Until: ").append(MailDate.format(retryUntil.atZone(ZoneId.systemDefault()))).append("\r\n");
      }
    }
    h.append("\r\n");

    h.append("--").append(boundary).append("\r\n");
    boolean global = env.smtpUtf8();
    if (fullMessage) {
      h.append("Content-Description: Undelivered Message\r\n");
      h.append("Content-Type: ").append(global ? "message/global" : "message/rfc822").append("\r\n");
    } else {
      h.append("Content-Description: ").append(kind == Kind.FAILURE ? "Undelivered Message Headers" : "Message Headers").append("\r\n");
      h.append("Content-Type: ").append(global ? "message/global-headers" : "text/rfc822-headers").append("\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(m.headers().getBytes(StandardCharsets.UTF_8));
    try (InputStream in = original.open()) {
      if (fullMessage) {
        copyWithFinalNewline(in, out);
      } else {
        copyHeaderSection(in, out);
      }
    }
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Opens the original message bytes. */
  @FunctionalInterface
  interface Original {
    InputStream open() throws IOException;
  }

  private static String humanText(String hostname, Kind kind, List<Line> lines, QueuedMessage m, Instant retryUntil) {
    StringBuilder b = new StringBuilder();
    b.append("This is the mail system at host ").append(hostname).append(".\r\n\r\n");
    switch (kind) {
      case FAILURE -> {
        b.append("I'm sorry to have to inform you that your message could not\r\n");
        b.append("be delivered to one or more recipients. It's attached below.\r\n\r\n");
        b.append("For further assistance, please send mail to postmaster.\r\n\r\n");
        b.append("If you do so, please include this problem report. You can\r\n");
        b.append("delete your own text from the attached returned message.\r\n");
      }
      case DELAY -> {
        b.append("####################################################################\r\n");
        b.append("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n");
        b.append("####################################################################\r\n\r\n");
        b.append("Your message could not be delivered for some time.\r\n");
        if (retryUntil != null) {
          b.append("It will be retried until ").append(MailDate.format(retryUntil.atZone(ZoneId.systemDefault()))).append(".\r\n");
        }
      }
      case SUCCESS -> {
        b.append("Your message was successfully delivered to the destination(s)\r\n");
        b.append("listed below. If the message was delivered to a mailbox you will\r\n");
        b.append("receive no further notifications. Otherwise you may still receive\r\n");
        b.append("notifications of mail delivery errors from other systems.\r\n");
      }
    }
    b.append("\r\n                   The mail system\r\n\r\n");
    for (Line l : lines) {
      b.append(fold("<" + ascii(l.recipient().address()) + ">: " + l.action() + ": " + ascii(text(l.status())))).append("\r\n");
    }
    return b.toString();
  }

  static String text(RecipientStatus s) {
    return switch (s) {
      case RecipientStatus.Delivered d -> d.detail();
      case RecipientStatus.PermFail p -> p.reason();
      case RecipientStatus.TempFail t -> t.reason();
      case RecipientStatus.Scheduled x -> "";
    };
  }

  /** RFC 3461 §4.2: "rfc822;" + xtext in the envelope; the report shows it decoded. */
  private static Optional<String> originalRecipient(Envelope.Recipient r) {
    return r.orcpt().map(o -> {
      int semi = o.indexOf(';');
      String type = o.substring(0, semi).trim();
      String value;
      try {
        value = Xtext.decode(o.substring(semi + 1).trim());
      } catch (IllegalArgumentException e) {
        value = o.substring(semi + 1).trim();
      }
      return type + "; " + ascii(value);
    });
  }

  /** The report parts are US-ASCII; peers' texts and addresses are made safe. */
  private static String ascii(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c >= 32 && c < 127 ? c : '?');
    }
    return b.toString();
  }

  /** Folds a long field at spaces (RFC 5322 §2.2.3) so that lines stay under 998 octets. */
  private static String fold(String line) {
    if (line.length() <= 78) {
      return line;
    }
    StringBuilder b = new StringBuilder();
    int col = 0;
    for (String word : line.split(" ")) {
      if (col > 0 && col + 1 + word.length() > 78) {
        b.append("\r\n ");
        col = 1;
      } else if (col > 0) {
        b.append(' ');
        col++;
      }
      b.append(word);
      col += word.length();
    }
    return b.toString();
  }

  private static void copyHeaderSection(InputStream in, OutputStream out) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int c;
    while ((c = in.read()) >= 0) {
      line.write(c);
      if (c == '\n') {
        byte[] l = line.toByteArray();
        if (l.length <= 2 && (l.length == 1 || l[0] == '\r')) {
          return; // the empty line: end of the header section
        }
        out.write(l);
        line.reset();
      }
    }
    if (line.size() > 0) {
      out.write(line.toByteArray());
      out.write(new byte[] {'\r', '\n'});
    }
  }

  private static void copyWithFinalNewline(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[16 * 1024];
    int n;
    int last = '\n';
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      last = buf[n - 1];
    }
    if (last != '\n') {
      out.write(new byte[] {'\r', '\n'});
    }
  }
}
