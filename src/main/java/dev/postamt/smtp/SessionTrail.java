package dev.postamt.smtp;

import dev.postamt.events.Event;
import dev.postamt.events.Events;
import dev.postamt.events.TrailKey;
import dev.postamt.queue.Envelope;
import java.nio.file.Path;

/**
 * What one SMTP session tells the event trail: its connect, logins, refused commands and accepted
 * messages, under a session id of its own that {@code smtp.accepted} ties to the queue id given at DATA
 * (see {@link dev.postamt.events}). Kept apart from {@link SmtpSession} so that the session reads as the
 * protocol; never throws.
 */
final class SessionTrail {
  private final Path dataDir;
  private final String session = TrailKey.newSession();
  /** The key of the message being committed (queue id known), for the refusal or acceptance that follows. */
  private TrailKey committing;

  SessionTrail(SmtpServer server) {
    this.dataDir = server.config.dataDir();
  }

  /** The session id every event of this SMTP session carries. */
  String session() {
    return session;
  }

  private Events events() {
    return Events.at(dataDir);
  }

  /** The key now: the session, and the envelope of {@code tx} so far (null outside a transaction). */
  TrailKey key(Transaction tx) {
    TrailKey k = TrailKey.session(session);
    return tx == null ? k : k.withSender(tx.sender.address())
        .withRecipients(Envelope.addresses(tx.recipients()));
  }

  /** Emits {@code event} with the session's key and {@code tx}'s envelope. */
  void emit(Event event, Transaction tx, String... namesAndValues) {
    events().emit(event, key(tx), namesAndValues);
  }

  /** A refused command: at RCPT with the refused address, at the end of the data with the queue id. */
  void refused(SmtpCommand cmd, String arg, SmtpException e, Transaction tx) {
    TrailKey k = committing != null ? committing : key(tx);
    committing = null;
    if (cmd == SmtpCommand.RCPT) {
      int lt = arg.indexOf('<');
      int gt = arg.indexOf('>', lt + 1);
      k = k.withRecipient(lt >= 0 && gt > lt ? arg.substring(lt + 1, gt) : null);
    }
    events().emit(Event.SMTP_REJECT, k, "command", cmd.name(), "reply", e.reply().toString());
  }

  /** The data of {@code tx} is in, under {@code queueId}: its checks and commit follow. */
  void committing(Transaction tx, String queueId) {
    committing = key(tx).withQueueId(queueId);
  }

  /** The message committing was answered 250 (it is in the queue, or delivered already). */
  void accepted(StageContext.Client client) {
    if (committing != null) {
      events().emit(Event.SMTP_ACCEPTED, committing, "service", client.service(), "ip", client.ip(), "helo", client.helo(),
          "tls", client.tls() ? "yes" : "no", "user", client.authUser());
      committing = null;
    }
  }
}
