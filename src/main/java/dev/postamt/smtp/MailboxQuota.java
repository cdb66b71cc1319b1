package dev.postamt.smtp;

import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.smtp.StageCheck.Decision;
import dev.postamt.store.MailStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RCPT: refuses a recipient whose mailbox is full now, before the message is sent (as Postfix does
 * with Dovecot's quota-status policy service): {@code 452 4.2.2}, so the client keeps the message and
 * tries again later. With {@code MAIL FROM ... SIZE=n} a mailbox is full for this message when n bytes
 * would not fit. Only recipients that resolve to mailboxes, all of them full, are refused: an alias
 * with one full member still reaches the others (the queue defers that one copy). {@code postmaster} is
 * never refused here (RFC 5321 §4.5.1). A failing quota lookup accepts: the delivery checks again.
 */
final class MailboxQuota implements StageCheck {
  private static final Logger log = LoggerFactory.getLogger(MailboxQuota.class);

  private final MailStore store;

  MailboxQuota(MailStore store) {
    this.store = store;
  }

  @Override
  public Decision check(StageContext c) {
    if (!(c.recipient().resolution() instanceof Resolution.Local l)
        || l.destinations().isEmpty()
        || c.recipient().address().regionMatches(true, 0, "postmaster@", 0, "postmaster@".length())) {
      return Decision.CONTINUE;
    }
    String declared = c.sender().params().get("SIZE");
    long size = declared == null ? 1 : Math.max(1, Long.parseLong(declared)); // validated at MAIL
    for (Destination d : l.destinations()) {
      if (!(d instanceof Destination.Mailbox mb)) {
        return Decision.CONTINUE;
      }
      try {
        if (store.quota(mb.user()).allows(size, 1)) {
          return Decision.CONTINUE;
        }
      } catch (RuntimeException e) {
        log.warn("smtp {}: quota check for {} failed: {}", c.client().ip(), mb.user(), e.toString());
        return Decision.CONTINUE;
      }
    }
    String shown = c.recipient().shown();
    log.info("smtp {}: {} refused: mailbox full", c.client().ip(), shown);
    return Decision.refuse(452, "4.2.2", shown + ": Recipient address rejected: Mailbox full");
  }
}
