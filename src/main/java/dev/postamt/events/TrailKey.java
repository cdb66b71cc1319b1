package dev.postamt.events;

import java.util.List;
import java.util.Locale;

/**
 * What ties an event to a message: the SMTP session it arrived in, the queue id given at DATA, its
 * Message-ID header, and its envelope addresses. Any part may be null (a connect knows only its
 * session; a delivery attempt knows the queue id and one recipient). The session id links connect,
 * authentication and refusals to the queue id that {@code smtp.accepted} carries next to it.
 */
public record TrailKey(String session, String queueId, String messageId, String sender, List<String> recipients) {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  public TrailKey {
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
    messageId = messageId == null ? null : normalizeMessageId(messageId);
  }

  /**
   * A fresh session id: 12 characters of Crockford's base 32, unique enough for a trail's lifetime. It
   * names a session in the log and the trail and grants nothing, so it needs no secret randomness: not a
   * SecureRandom, whose first use in a process sets up the JDK's security providers (~30 ms), which the
   * first connection's banner waited for after a start (issue 27).
   */
  public static String newSession() {
    // 12 characters of 5 bits each from one draw (one per character was 1 % of the SMTP sessions' CPU
    // with a SecureRandom, which takes a lock and mixes its state for every call)
    long bits = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    char[] c = new char[12];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALPHABET[(int) (bits >>> (5 * i)) & 31];
    }
    return "S" + new String(c);
  }

  public static TrailKey session(String session) {
    return new TrailKey(session, null, null, null, List.of());
  }

  public static TrailKey queue(String queueId) {
    return new TrailKey(null, queueId, null, null, List.of());
  }

  public TrailKey withQueueId(String id) {
    return new TrailKey(session, id, messageId, sender, recipients);
  }

  public TrailKey withMessageId(String id) {
    return new TrailKey(session, queueId, id, sender, recipients);
  }

  public TrailKey withSender(String address) {
    return new TrailKey(session, queueId, messageId, address, recipients);
  }

  public TrailKey withRecipients(List<String> addresses) {
    return new TrailKey(session, queueId, messageId, sender, addresses);
  }

  public TrailKey withRecipient(String address) {
    return withRecipients(address == null ? List.of() : List.of(address));
  }

  /** A Message-ID as kept in the trail: without the angle brackets and surrounding space. */
  public static String normalizeMessageId(String id) {
    String s = id.strip();
    if (s.startsWith("<") && s.endsWith(">")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    return s.isEmpty() ? null : s;
  }

  /** The lower-case domain of an address, or "" when it has none. */
  static String domainOf(String address) {
    int at = address == null ? -1 : address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
