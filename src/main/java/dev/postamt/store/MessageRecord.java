package dev.postamt.store;

import java.util.Set;

/**
 * One message of a mailbox.
 *
 * @param base the MaildirFolders base name (the file name before {@code :2,}); the file itself never changes
 * @param flags system flags in canonical spelling ({@code \Seen}) and keywords, as a sorted set
 * @param internalDate milliseconds since the epoch: the delivery or APPEND time
 * @param saveDate milliseconds since the epoch when the message was saved into this mailbox (delivery,
 *     APPEND, COPY, MOVE; RFC 8514 save date); the INTERNALDATE for rows from before it was recorded
 */
public record MessageRecord(
    long uid, String base, Set<String> flags, long modseq, long internalDate, long size, long saveDate) {

  /** A record whose save date is its INTERNALDATE. */
  public MessageRecord(long uid, String base, Set<String> flags, long modseq, long internalDate, long size) {
    this(uid, base, flags, modseq, internalDate, size, internalDate);
  }

  public boolean has(String flag) {
    return Flags.contains(flags, flag);
  }
}
