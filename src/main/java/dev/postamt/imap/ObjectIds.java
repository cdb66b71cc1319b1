package dev.postamt.imap;

import dev.postamt.jmap.Ids;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;

/**
 * OBJECTID (RFC 8474): the ids IMAP shows are JMAP's ({@link Ids}), so a client that speaks both sees
 * one id per object. MAILBOXID is the store's mailbox id ({@code m…}); it survives RENAME (§4.2) and a
 * deleted and recreated mailbox gets a new one. EMAILID is the JMAP Email id ({@code e…}, made of
 * mailbox, UIDVALIDITY and UID): RFC 8474 §5.1 lets a copy have an id of its own, which it has here.
 * THREADID is {@code NIL} (§5.2: the server keeps no thread ids for IMAP), so SEARCH THREADID matches
 * nothing.
 */
final class ObjectIds {
  static final String CAPABILITY = "OBJECTID";

  private ObjectIds() {}

  static String mailbox(MailboxInfo box) {
    return Ids.mailbox(box.id());
  }

  static String mailbox(long mailboxId) {
    return Ids.mailbox(mailboxId);
  }

  static String email(SelectedMailbox sel, MessageRecord rec) {
    return Ids.email(new Ids.MessageRef(sel.id, sel.uidValidity, rec.uid()));
  }
}
