package dev.postamt.archive;

import dev.postamt.queue.Envelope;
import java.util.ArrayList;
import java.util.List;

/** The envelope fields of a message record, written ({@link #envelopeFields}) and read back ({@link #message}). */
final class Records {
  private Records() {}

  /**
   * In this order: {@code queue-id}, {@code mail-from} ("" for {@code <>}), one {@code rcpt} per envelope
   * recipient, {@code client-ip}, {@code helo}, {@code auth} (only when the client authenticated),
   * {@code protocol}, {@code direction}, {@code subject}, {@code message-id}.
   */
  static List<JournalRecord.Field> envelopeFields(Envelope env, String subject, String messageId) {
    List<JournalRecord.Field> f = new ArrayList<>();
    f.add(new JournalRecord.Field("queue-id", env.id()));
    f.add(new JournalRecord.Field("mail-from", env.sender()));
    for (String r : env.recipientAddresses()) {
      f.add(new JournalRecord.Field("rcpt", r));
    }
    String client = env.clientAddress().isEmpty() ? "local" : env.clientAddress();
    f.add(new JournalRecord.Field("client-ip", client));
    f.add(new JournalRecord.Field("helo", env.clientHelo()));
    env.authUser().ifPresent(u -> f.add(new JournalRecord.Field("auth", u)));
    f.add(new JournalRecord.Field("protocol", env.protocol()));
    f.add(new JournalRecord.Field("direction", direction(env)));
    f.add(new JournalRecord.Field("subject", subject));
    f.add(new JournalRecord.Field("message-id", messageId));
    return f;
  }

  /** {@code out} for mail a user of ours submitted or the server made itself, {@code in} otherwise. */
  static String direction(Envelope env) {
    return env.authUser().isPresent() || env.clientAddress().isEmpty() ? "out" : "in";
  }

  /** The message a record holds, as the index keeps it; null for a tombstone. */
  static ArchivedMessage message(JournalRecord r) {
    if (!r.type().equals(JournalRecord.MESSAGE)) {
      return null;
    }
    return new ArchivedMessage(r.seq(), r.time(), r.first("queue-id").orElse(""), r.first("mail-from").orElse(""),
        r.all("rcpt"), r.first("subject").orElse(""), r.first("message-id").orElse(""), r.first("client-ip").orElse(""),
        r.first("helo").orElse(""), r.first("auth").orElse(""), r.first("direction").orElse(""), r.segment(),
        r.offset(), r.dataLength());
  }
}
