package dev.postamt.store;

import java.util.Set;

/**
 * One message of a mailbox.
 *
 * @param base the MaildirFolders base name (the file name before {@code :2,}); the file itself never changes
 * @param flags system flags in canonical spelling ({@code \Seen}) and keywords, as a sorted set
 * @param internalDate milliseconds since the epoch: the delivery or APPEND time
 */
public record MessageRecord(
    long uid, String base, Set<String> flags, long modseq, long internalDate, long size) {

  public boolean has(String flag) {
    return Flags.contains(flags, flag);
  }
}
