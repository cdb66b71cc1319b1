package dev.postamt.im2000;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The stand-in delivered to a recipient's mailbox for a notified message: an RFC 5322 message with the
 * header fields a message list shows (taken from the notification) and three of our own naming where
 * the full message is and what it must be; the body tells a reader what they see when the sender cannot
 * be reached. A stub is small ({@link #MAX_BYTES}) and starts with {@link #PULL}, so only the first
 * bytes of a stored message are looked at to tell a stub from a message.
 */
final class Stub {
  static final String PULL = "X-IM2000-Pull";
  static final String SHA256 = "X-IM2000-SHA256";
  static final String SIZE = "X-IM2000-Size";
  /** A stub is never larger: a bigger stored message is not looked into. */
  static final int MAX_BYTES = 16 * 1024;

  private Stub() {}

  /** The stub for one recipient (addressed to that recipient only: a list's stubs stay small). */
  static byte[] of(Notification n, String recipient) {
    String recipientDomain = recipient.substring(recipient.indexOf('@') + 1);
    StringBuilder b = new StringBuilder();
    // first, so that telling a stub from a message takes one short read (pullUrl)
    b.append(PULL).append(": ").append(n.url()).append("\r\n");
    b.append("From: ").append(n.from().isEmpty() ? "<" + n.sender() + ">" : n.from()).append("\r\n");
    b.append("To: <").append(recipient).append(">\r\n");
    if (!n.subject().isEmpty()) {
      b.append("Subject: ").append(n.subject()).append("\r\n");
    }
    if (!n.date().isEmpty()) {
      b.append("Date: ").append(n.date()).append("\r\n");
    }
    if (!n.messageId().isEmpty()) {
      b.append("Message-ID: ").append(n.messageId()).append("\r\n");
    }
    b.append(SHA256).append(": ").append(n.sha256()).append("\r\n");
    b.append(SIZE).append(": ").append(n.size()).append("\r\n");
    b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    b.append("This message (").append(n.size()).append(" bytes) is kept by the sender's server (")
        .append(n.senderDomain()).append(")\r\nand is fetched from there for ").append(recipientDomain)
        .append(" when it is first read.\r\n\r\nIf you see this text, the sender's server could not be reached just now;\r\n"
            + "open the message again later.\r\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** How much of a stored message {@link #pullUrl} needs: the first header field of a stub. */
  static final int HEAD_BYTES = PULL.length() + 2 + 2100;

  /**
   * The capability URL of a stub: its first header field is {@link #PULL}. Empty for anything else (a
   * message that merely contains such a field further down is not a stub).
   */
  static Optional<String> pullUrl(byte[] head) {
    String s = new String(head, StandardCharsets.UTF_8);
    String key = PULL + ": ";
    int eol = s.indexOf("\r\n");
    if (!s.startsWith(key) || eol < 0) {
      return Optional.empty();
    }
    return Optional.of(s.substring(key.length(), eol).strip());
  }
}
