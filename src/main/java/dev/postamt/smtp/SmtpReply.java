package dev.postamt.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply (RFC 5321 §4.2) with its enhanced status code (RFC 3463). Multi-line replies put the
 * code on every line, with '-' after it on all but the last.
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

  public SmtpReply(int code, String enhanced, String text) {
    this(code, enhanced, List.of(text));
  }

  // The replies used in more than one place. Texts follow Postfix where users know them.
  public static final SmtpReply OK = new SmtpReply(250, "2.0.0", "Ok");
  public static final SmtpReply SENDER_OK = new SmtpReply(250, "2.1.0", "Ok");
  public static final SmtpReply RCPT_OK = new SmtpReply(250, "2.1.5", "Ok");
  public static final SmtpReply START_DATA = new SmtpReply(354, null, "End data with <CR><LF>.<CR><LF>");
  public static final SmtpReply BAD_SEQUENCE = new SmtpReply(503, "5.5.1", "Error: bad sequence of commands");
  public static final SmtpReply NEED_HELO = new SmtpReply(503, "5.5.1", "Error: send HELO/EHLO first");
  public static final SmtpReply NEED_MAIL = new SmtpReply(503, "5.5.1", "Error: need MAIL command");
  public static final SmtpReply NEED_RCPT = new SmtpReply(503, "5.5.1", "Error: need RCPT command");
  public static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "Error: nested MAIL command");
  public static final SmtpReply UNKNOWN_COMMAND = new SmtpReply(502, "5.5.2", "Error: command not recognized");
  public static final SmtpReply SYNTAX = new SmtpReply(501, "5.5.4", "Syntax error in parameters or arguments");
  public static final SmtpReply LINE_TOO_LONG = new SmtpReply(500, "5.5.2", "Error: line too long");
  public static final SmtpReply AUTH_REQUIRED = new SmtpReply(530, "5.7.0", "Authentication required");
  public static final SmtpReply TLS_REQUIRED =
      new SmtpReply(530, "5.7.0", "Must issue a STARTTLS command first");
  public static final SmtpReply AUTH_OK = new SmtpReply(235, "2.7.0", "Authentication successful");
  public static final SmtpReply AUTH_FAILED = new SmtpReply(535, "5.7.8", "Error: authentication failed");
  public static final SmtpReply RELAY_DENIED = new SmtpReply(554, "5.7.1", "Relay access denied");
  public static final SmtpReply TOO_MANY_RECIPIENTS = new SmtpReply(452, "4.5.3", "Error: too many recipients");
  public static final SmtpReply MESSAGE_TOO_BIG =
      new SmtpReply(552, "5.3.4", "Error: message file too big");
  public static final SmtpReply BARE_LF =
      new SmtpReply(550, "5.5.2", "Error: bare <CR> or <LF> in message; lines must end with <CR><LF>");
  /** RFC 3030 §3: NUL is allowed only in BINARYMIME data, which we do not offer (as for 8BITMIME text). */
  public static final SmtpReply NUL_IN_DATA =
      new SmtpReply(550, "5.6.0", "Error: NUL character in message data; not allowed without BINARYMIME");
  public static final SmtpReply HEADER_TOO_BIG =
      new SmtpReply(552, "5.3.4", "Error: message header section too large");
  public static final SmtpReply LOCAL_ERROR =
      new SmtpReply(451, "4.3.0", "Error: queue file write error; try again later");
  public static final SmtpReply VRFY = new SmtpReply(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
  public static final SmtpReply EXPN = new SmtpReply(502, "5.5.1", "Error: EXPN is disabled");

  /** Wire form, CRLF-terminated. The enhanced code is omitted when {@code enhanced} is null. */
  public byte[] encode(boolean enhancedCodes) {
    StringBuilder b = new StringBuilder(64);
    for (int i = 0; i < lines.size(); i++) {
      b.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (enhancedCodes && enhanced != null) {
        b.append(enhanced).append(' ');
      }
      b.append(lines.get(i)).append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  public boolean positive() {
    return code < 400;
  }

  @Override
  public String toString() {
    return code + (enhanced == null ? "" : " " + enhanced) + " " + String.join(" / ", lines);
  }
}
