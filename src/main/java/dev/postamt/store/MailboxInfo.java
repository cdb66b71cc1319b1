package dev.postamt.store;

import java.util.Optional;

/**
 * One mailbox as the index knows it at the moment of reading.
 *
 * @param name the mailbox name in Unicode, hierarchy separated by {@link MailboxNames#SEPARATOR}
 * @param specialUse an RFC 6154 attribute such as {@code \Sent}, when the mailbox has one
 * @param firstRecentUid messages with this UID or higher have not yet been seen by any read-write
 *     session (IMAP4rev1 {@code \Recent})
 */
public record MailboxInfo(
    long id,
    String name,
    long uidValidity,
    long uidNext,
    long highestModseq,
    Optional<String> specialUse,
    long firstRecentUid) {

  public boolean isInbox() {
    return name.equals(MailboxNames.INBOX);
  }
}
