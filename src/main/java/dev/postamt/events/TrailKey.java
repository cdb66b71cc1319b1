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
   * A fresh session id: {@code S}, then 7 characters of Crockford's base 32 for the second it was made
   * and 7 random ones. It names a session in the log and the trail and grants nothing, so it needs no
   * secret randomness: not a SecureRandom, whose first use in a process sets up the JDK's security
   * providers (~30 ms), which the first connection's banner waited for after a start (issue 27).
   *
   * <p>The time first, so that ids sort as they are made: the trail's index of sessions then grows at its
   * end, as its indexes of time and queue ids do, instead of taking a new row into a page anywhere in it
   * for every session (a page written to the trail's WAL per message: replaying a real trail of 6,010
   * messages in the recorder's batches, 22 % fewer pages written; bench/README.md, 2026-12-07). 35
   * random bits keep the sessions of one second apart: at a hundred new sessions a second, two share an id
   * about once in 80 days (their trails would then show together). Ids of 12 random characters, as
   * before 2026-12-07, still name their sessions.
   */
  public static String newSession() {
    long seconds = System.currentTimeMillis() / 1000; // 35 bits: ordered for a thousand years
    long bits = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    char[] c = new char[15];
    c[0] = 'S';
    for (int i = 0; i < 7; i++) {
      c[1 + i] = ALPHABET[(int) (seconds >>> (5 * (6 - i))) & 31];
      c[8 + i] = ALPHABET[(int) (bits >>> (5 * i)) & 31];
    }
    return new String(c);
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
