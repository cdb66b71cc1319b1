package dev.postamt.search;

import dev.postamt.store.Account;

/** What an indexer's pass reads of a mailbox, shared by the Lucene and the PostgreSQL index. */
final class MailboxReads {
  private MailboxReads() {}

  /**
   * The mailbox and the messages an index that saw it at ({@code uidValidity}, {@code modseq}) must look
   * at: only the rows changed since when it knew this UIDVALIDITY (new messages and flag changes have a
   * higher MODSEQ), the whole mailbox when it did not or the mailbox was renumbered in between.
   *
   * @param uidValidity the UIDVALIDITY the index knew, or 0 when it knew nothing of the mailbox
   * @throws RuntimeException when the mailbox was deleted meanwhile
   */
  static Account.Snapshot since(Account a, long mailboxId, long uidValidity, long modseq) {
    if (uidValidity == 0) {
      return a.snapshot(mailboxId);
    }
    // Where the account knows the mailbox without a read (PostgreSQL, while no change was announced since
    // the sessions' last look), the changed rows are picked from that list instead of read again.
    Account.Snapshot known = a.knownSnapshot(mailboxId).orElse(null);
    if (known != null && known.info().uidValidity() == uidValidity) {
      return new Account.Snapshot(known.info(), known.messages().stream().filter(r -> r.modseq() > modseq).toList());
    }
    Account.Snapshot changed = a.changedSince(mailboxId, modseq);
    return changed.info().uidValidity() == uidValidity ? changed : a.snapshot(mailboxId);
  }
}
