package dev.postamt.store;

import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One user's mail as the protocols see it: mailboxes, messages with UIDs, flags and MODSEQs, message
 * contents as streams, quota and change notification. Never files: how messages are kept is the
 * backend's business ({@link MaildirAccount} over a {@link BlobStore} today). One instance per user per
 * process, shared by all sessions of the user (see {@link MailStore#open}); reads may run side by
 * side, writes are serialised. Mailbox names follow {@link MailboxNames}.
 *
 * <p>Failures are {@link StoreException}s; removing things (flags, EXPUNGE, DELETE) keeps working on a
 * full disk, adding things is then refused with {@link StoreException.Kind#NOSPACE}.
 */
public interface Account extends AutoCloseable {
  /** The folders every account starts with, and their RFC 6154 attributes. */
  Map<String, String> DEFAULT_FOLDERS =
      new LinkedHashMap<>(
          Map.of("Drafts", "\\Drafts", "Sent", "\\Sent", "Trash", "\\Trash", "Junk", "\\Junk", "Archive", "\\Archive"));

  /** How STORE combines the given flags with the present ones. */
  enum FlagMode {
    ADD,
    REMOVE,
    REPLACE
  }

  /** Result of COPY/MOVE: the target UIDVALIDITY and the UIDs in source order (RFC 4315 COPYUID). */
  record CopyResult(long uidValidity, List<Long> sourceUids, List<Long> targetUids) {}

  /** Result of APPEND (RFC 4315 APPENDUID). */
  record AppendResult(long uidValidity, long uid) {}

  /** The counters STATUS reports. */
  record Status(MailboxInfo info, long messages, long recent, long unseen, long size, long deleted) {}

  /** A point-in-time view of a mailbox. */
  record Snapshot(MailboxInfo info, List<MessageRecord> messages) {}

  /** INBOX is case-insensitive (RFC 3501 §5.1); see {@link MailboxNames#normalize}. */
  static String normalize(String name) {
    return MailboxNames.normalize(name);
  }

  String user();

  // ---- mailboxes

  List<MailboxInfo> mailboxes();

  Optional<MailboxInfo> mailbox(String name);

  Optional<MailboxInfo> mailbox(long id);

  /** Creates a mailbox; the name must pass {@link MailboxNames#validate} and the backend's limits. */
  MailboxInfo create(String name, String specialUse);

  /** Deletes a mailbox without children, with its messages; INBOX cannot be deleted. */
  void delete(String name);

  /** RENAME with children (RFC 3501 §6.3.5); renaming INBOX moves its messages to a new mailbox. */
  void rename(String from, String to);

  void subscribe(String name, boolean on);

  Set<String> subscriptions();

  Status status(String name);

  // ---- messages

  List<MessageRecord> messages(long mailboxId);

  /**
   * Picks up new deliveries, then returns the mailbox and its messages as one consistent view. The
   * message list is immutable and may be shared by every session of the mailbox.
   */
  Snapshot snapshot(long mailboxId);

  /**
   * {@link #snapshot}, when the account knows without reading that nothing changed since it last read the
   * mailbox; empty when it would have to read (the caller then looks itself, e.g. with {@link #mailbox(long)}).
   * PostgreSQL knows it: every change, made by this node or another, is announced ({@code NOTIFY}), so a
   * snapshot read after the last announcement is current (for a few seconds at most, should announcements
   * stop arriving unnoticed). A change committed elsewhere is seen once its
   * announcement arrives, usually within milliseconds; IMAP reports it at the next command (RFC 9051 §7:
   * at any command). SQLite never knows it: another process may change the file unannounced.
   */
  default Optional<Snapshot> knownSnapshot(long mailboxId) {
    return Optional.empty();
  }

  /**
   * Picks up new deliveries, then returns the mailbox and only its messages whose MODSEQ is above {@code
   * modseq} (RFC 7162: every new message and every flag change since a HIGHESTMODSEQ has a higher one), as
   * one consistent view: what an indexer that saw the mailbox at {@code modseq} must look at, at a cost in
   * proportion to the change rather than to the mailbox.
   */
  Snapshot changedSince(long mailboxId, long modseq);

  /** The content of a message, or empty when it has been expunged meanwhile. The caller closes it. */
  Optional<MessageContent> open(MailboxInfo mailbox, MessageRecord message);

  /** Reads one message's bytes. */
  @FunctionalInterface
  interface MessageReader {
    void read(java.io.InputStream message) throws java.io.IOException;
  }

  /**
   * Hands the messages at {@code uids} in {@code mailbox} to {@code reader}, one after another, skipping
   * those expunged meanwhile; how many it read.
   */
  default int readEach(MailboxInfo mailbox, List<Long> uids, MessageReader reader) throws java.io.IOException {
    java.util.Map<Long, MessageRecord> byUid = new java.util.HashMap<>();
    for (MessageRecord r : messages(mailbox.id())) {
      byUid.put(r.uid(), r);
    }
    int read = 0;
    for (long uid : uids) {
      MessageRecord r = byUid.get(uid);
      Optional<MessageContent> content = r == null ? Optional.empty() : open(mailbox, r);
      if (content.isEmpty()) {
        continue;
      }
      try (MessageContent m = content.get(); java.io.InputStream in = m.stream()) {
        reader.read(in);
        read++;
      }
    }
    return read;
  }

  /**
   * Marks messages below {@code upToUidNext} as no longer recent and returns the first UID that was still
   * recent: the calling session reports UIDs from there on as {@code \Recent} (RFC 3501 §2.3.2).
   */
  long claimRecent(long mailboxId, long upToUidNext);

  /**
   * Stores a message of exactly {@code size} bytes read from {@code content}. Refused with {@link
   * StoreException.Kind#OVERQUOTA} beyond the quota and {@link StoreException.Kind#NOSPACE} on a full disk.
   */
  AppendResult append(String mailbox, InputStream content, long size, Set<String> flags, long internalDate);

  /** Copies messages (in UID order), keeping flags and INTERNALDATE; refused as a whole beyond the quota. */
  CopyResult copy(long sourceId, List<MessageRecord> msgs, String target);

  /** MOVE (RFC 6851): copy, then remove from the source; not checked against the quota. */
  CopyResult move(long sourceId, List<MessageRecord> msgs, String target);

  /** Changes flags of the given UIDs; returns the records that changed, each with its new MODSEQ. */
  default List<MessageRecord> store(long mailboxId, Collection<Long> uids, FlagMode mode, Collection<String> flags) {
    return store(mailboxId, uids, mode, flags, -1, new java.util.ArrayList<>());
  }

  /**
   * STORE with RFC 7162 UNCHANGEDSINCE: messages whose MODSEQ is above {@code unchangedSince} (when
   * it is not -1) are left alone and their UIDs added to {@code modified}.
   */
  List<MessageRecord> store(
      long mailboxId, Collection<Long> uids, FlagMode mode, Collection<String> flags, long unchangedSince,
      List<Long> modified);

  /** Removes messages flagged {@code \Deleted} (only those in {@code onlyUids} when given). */
  List<Long> expunge(long mailboxId, Optional<Set<Long>> onlyUids);

  /**
   * Expunge history for QRESYNC (RFC 7162 §3.2.5, §3.2.6): the UIDs expunged from a mailbox with a
   * MODSEQ above {@code sinceModseq}, ascending; empty when the history no longer reaches back that far.
   */
  Optional<List<Long>> expungedSince(long mailboxId, long sinceModseq);

  /** The lowest MODSEQ at which one of the UIDs was expunged (or the history's floor, if none is known). */
  long expungeModseq(long mailboxId, Collection<Long> uids);

  /** Forgets all but the newest {@code keep} expunged UIDs of a mailbox; returns how many were dropped. */
  int forgetExpunged(long mailboxId, int keep);

  // ---- METADATA (RFC 5464)

  /** The id under which {@link #metadata} keeps the server's entries (no mailbox has it). */
  long SERVER_METADATA = 0;

  /** The annotations of a mailbox (its id) or of the server ({@link #SERVER_METADATA}), by entry name. */
  java.util.SortedMap<String, byte[]> metadata(long mailboxId);

  /**
   * Sets annotations all together or not at all; a null value removes the entry. Entry names are the
   * caller's to check and to normalise (RFC 5464 §3.2: IMAP keeps them lower case).
   */
  void setMetadata(long mailboxId, Map<String, byte[]> changes);

  // ---- quota, new mail, changes

  /** The user's quota limit and usage over all mailboxes, after taking in new deliveries to INBOX. */
  Quota.Status quota();

  /**
   * Whether {@code addMessages} messages of {@code addBytes} bytes in all fit the quota ({@link
   * Quota.Status#allows}); the usage is not read when the user has no limit.
   */
  default boolean fits(long addBytes, long addMessages) {
    return quota().allows(addBytes, addMessages);
  }

  /** The bytes an EXPUNGE of the mailbox would free: its messages flagged {@code \Deleted}. */
  long deletedSize(String name);

  /** Takes in what was delivered to a mailbox behind the account's back. Cheap when nothing was. */
  void poll(long mailboxId);

  /** {@code postamt store reindex}: rebuild the index from the blobs; with {@code renumber} all UIDs afresh. */
  void reindex(boolean renumber);

  /**
   * Marks this reference as one that does not need deliveries taken in as they come ({@code true}), or
   * again as one that does ({@code false}; as many of each). While every open reference to an account is
   * so marked, a delivery stays in {@code new/} as if nobody had the account open, and the next look
   * ({@link #poll}, another open, a session's SELECT) takes it in, many at once. For the search indexer,
   * which holds accounts between its syncs and looks at every folder when a sync starts. Does nothing
   * where deliveries commit their index rows themselves.
   */
  default void quiet(boolean quiet) {}

  /** Registers a callback run after every change (sessions use it to wake from IDLE); returns a remover. */
  Runnable watch(Runnable r);

  /** Gives this reference back to the {@link MailStore}. */
  @Override
  void close();
}
