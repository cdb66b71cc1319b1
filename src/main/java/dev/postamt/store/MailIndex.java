package dev.postamt.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * One account's mailbox index as a {@link MaildirAccount} uses it: mailboxes with their UIDVALIDITY,
 * UIDNEXT and HIGHESTMODSEQ, message rows (UID, blob key, flags, MODSEQ, dates, size), expunge history,
 * subscriptions, METADATA and the quota usage. Every statement lives in a backend's subclass: {@link
 * SqliteMailIndex} (a file per user) or {@link PgMailIndex} (tables keyed by account, shared by every
 * node). UIDs, MODSEQs and UIDVALIDITYs are allocated here, inside the caller's transaction, so two
 * writers never hand out the same one.
 *
 * <p>An instance is used by one thread at a time: the account's writer under its write lock, readers
 * lent by {@link Readers}. Methods that change rows are called inside {@link #inTx}.
 */
abstract sealed class MailIndex implements AutoCloseable permits SqliteMailIndex, PgMailIndex {
  /**
   * How many expunged UIDs a mailbox remembers. Dovecot keeps them all; we bound the table so a
   * mailbox with heavy churn (a Trash emptied daily for years) does not grow it forever. A client whose
   * state predates the floor gets every absent UID of its range as VANISHED (EARLIER), which RFC 7162
   * §3.2.6 allows.
   */
  static final int EXPUNGED_KEPT = 100_000;

  /** Work in one transaction. */
  interface Tx<T> {
    T run() throws SQLException, IOException;
  }

  /** Where an account's reads run, each on an index of its own (see {@link ReadConnections}). */
  interface Readers extends AutoCloseable {
    <T> T read(ReadConnections.Read<T> body) throws SQLException;

    @Override
    void close();
  }

  /** A read-only SQLite index file (backups read a copy of one). */
  static MailIndex reader(Path file) throws SQLException {
    return SqliteMailIndex.reader(file);
  }

  /** The usage recorded in a SQLite index file, read without opening the account; see {@link SqliteMailIndex}. */
  static Optional<Quota.Usage> peekUsage(Path file) {
    return SqliteMailIndex.peekUsage(file);
  }

  /** Runs {@code body} in one write transaction: committed when it returns, rolled back when it throws. */
  abstract <T> T inTx(Tx<T> body) throws SQLException;

  /** Runs reads that must see one committed state. */
  abstract <T> T inReadTx(ReadConnections.Read<T> body) throws SQLException;

  /** Work in one transaction on a mailbox, which it is given as the transaction reads it first. */
  interface MailboxTx<T> {
    /** @param mailbox the mailbox's row, null when it is gone */
    T run(MailboxInfo mailbox) throws SQLException, IOException;
  }

  /**
   * {@link #inTx} whose first read is the mailbox {@code mailboxId}: on PostgreSQL in the statement that
   * locks the account (one round trip for both), elsewhere {@link #findMailbox(long)} inside the transaction.
   * On PostgreSQL a body that changed nothing is rolled back rather than committed (the same to everyone
   * else: it only held locks).
   */
  <T> T inMailboxTx(long mailboxId, MailboxTx<T> body) throws SQLException {
    return inTx(() -> body.run(findMailbox(mailboxId).orElse(null)));
  }

  // ---- the account

  /** Whether the default folders were made (first open). */
  abstract boolean initialized() throws SQLException;

  abstract void markInitialized() throws SQLException;

  // ---- mailboxes

  abstract List<MailboxInfo> mailboxes() throws SQLException;

  abstract Optional<MailboxInfo> findMailbox(String name) throws SQLException;

  abstract Optional<MailboxInfo> findMailbox(long id) throws SQLException;

  /** UIDVALIDITY: the clock in seconds, but always above every value this account has used. */
  abstract long newUidValidity() throws SQLException;

  /**
   * A new mailbox with an id never used before in this account: the id is the IMAP MAILBOXID and JMAP
   * Mailbox id, which RFC 8474 §4 and RFC 8620 §1.2 forbid to reuse for another mailbox.
   */
  abstract MailboxInfo insertMailbox(String name, String specialUse) throws SQLException;

  /** Removes a mailbox with its messages, expunge history and METADATA. */
  abstract void deleteMailbox(long id) throws SQLException;

  abstract void renameMailbox(long id, String newName) throws SQLException;

  /** Forgets every message of a mailbox and gives it {@code uidValidity}, for renumbering. */
  abstract void resetMailbox(long id, long uidValidity) throws SQLException;

  /** Messages below {@code uid} are no longer \Recent (RFC 3501 §2.3.2). */
  abstract void raiseFirstRecent(long id, long uid) throws SQLException;

  /**
   * Claims \Recent up to {@code uid} in one step, outside any transaction: raises the mailbox's first
   * \Recent UID to at least {@code uid} and returns it as it was before, so that of two sessions
   * claiming at once (on any node) only one is given a message. NONEXISTENT when the mailbox is gone.
   */
  long claimRecent(long id, long uid) throws SQLException {
    return inTx(() -> {
      MailboxInfo m = findMailbox(id)
          .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
      if (m.firstRecentUid() < uid) {
        raiseFirstRecent(id, uid);
      }
      return m.firstRecentUid();
    });
  }

  abstract void subscribe(String name, boolean on) throws SQLException;

  abstract Set<String> subscriptions() throws SQLException;

  abstract Account.Status status(MailboxInfo m) throws SQLException;

  /** The bytes of a mailbox's messages flagged {@code \Deleted}. */
  abstract long deletedSize(long mailboxId) throws SQLException;

  // ---- messages

  /** The messages of a mailbox whose MODSEQ is above {@code modseq} (0: all), in UID order. */
  abstract List<MessageRecord> messagesAbove(long mailboxId, long modseq) throws SQLException;

  /** A message's UID and blob key, all an open's reconcile of the folder needs of its row. */
  record Keyed(long uid, String base) {}

  /**
   * The UID and blob key of every message of a mailbox, in no particular order ({@link FolderScan#reconcile}
   * compares them with the folder's files at each open of an account: only these two columns of every row).
   */
  List<Keyed> keys(long mailboxId) throws SQLException {
    List<Keyed> out = new java.util.ArrayList<>();
    for (MessageRecord r : messagesAbove(mailboxId, 0)) {
      out.add(new Keyed(r.uid(), r.base()));
    }
    return out;
  }

  /** Whether a message with this blob key is indexed in the mailbox (seeing every commit before this transaction). */
  abstract boolean hasBase(long mailboxId, String base) throws SQLException;

  /** Which of {@code bases} are indexed in the mailbox (one statement on PostgreSQL). */
  Set<String> knownBases(long mailboxId, Collection<String> bases) throws SQLException {
    Set<String> out = new java.util.HashSet<>();
    for (String b : bases) {
      if (hasBase(mailboxId, b)) {
        out.add(b);
      }
    }
    return out;
  }

  /** The UID of the message with this blob key in the mailbox, if it is indexed. */
  abstract java.util.OptionalLong uidOfBase(long mailboxId, String base) throws SQLException;

  /**
   * {@link #insertMessage}, unless the message is indexed already: a blob written into a shared Maildir
   * becomes visible before its row commits, and another process's folder scan (another node opening the
   * account, the CLI beside the server) may index it first. Then the row it made is the message's; that
   * scan read the system flags from the Maildir name, which cannot carry keywords, so the flags this
   * write asked for are given to the row when they hold any.
   */
  final long insertOnce(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException {
    java.util.OptionalLong taken = uidOfBase(mailboxId, base);
    if (taken.isEmpty()) {
      return insertMessage(mailboxId, base, flags, internalDate, size);
    }
    if (flags.stream().anyMatch(f -> !f.startsWith("\\"))) {
      setFlags(mailboxId, taken.getAsLong(), flags);
    }
    return taken.getAsLong();
  }

  /**
   * What {@link #insertOnce} did: the UID, and where the backend reads them back with the insert (PostgreSQL:
   * {@code RETURNING}) the row as inserted and the mailbox's row as the insert left it; both null otherwise
   * (also when the message was indexed already).
   */
  record Inserted(long uid, MessageRecord row, MailboxInfo after) {}

  /** {@link #insertOnce}, telling what it inserted where that comes at no extra cost ({@link Inserted}). */
  Inserted insertOnceReturning(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException {
    return new Inserted(insertOnce(mailboxId, base, flags, internalDate, size), null, null);
  }

  /** Gives a message the mailbox's next UID and a new MODSEQ; returns the UID. */
  abstract long insertMessage(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException;

  /** Replaces a message's flags under a new MODSEQ, which it returns. */
  abstract long setFlags(long mailboxId, long uid, Set<String> flags) throws SQLException;

  /**
   * Removes the rows of expunged messages and remembers each UID with the one new MODSEQ of this
   * expunge (RFC 7162 §3.2: HIGHESTMODSEQ goes up and the expunged UIDs carry it). Beyond {@link
   * #EXPUNGED_KEPT} remembered UIDs per mailbox the oldest are forgotten and the floor raised. Returns
   * that MODSEQ; 0 when {@code uids} is empty, and on PostgreSQL also when none of the rows was there any
   * more (another node expunged them first: then nothing is changed).
   */
  abstract long removeMessages(long mailboxId, Collection<Long> uids) throws SQLException;

  /** Keeps at most {@code keep} expunged UIDs of a mailbox, raising its floor over those dropped. */
  abstract int forgetExpunged(long mailboxId, int keep) throws SQLException;

  /** The lowest MODSEQ at which one of {@code uids} was expunged; the floor when none is remembered. */
  abstract long expungeModseq(long mailboxId, Collection<Long> uids) throws SQLException;

  /**
   * UIDs expunged with a MODSEQ above {@code since}, ascending; null when the history does not reach back.
   * One statement in both backends, so it sees one state without a read transaction around it.
   */
  abstract List<Long> expungedSince(long mailboxId, long since) throws SQLException;

  // ---- METADATA (RFC 5464): mailbox id 0 holds the server's entries

  abstract SortedMap<String, byte[]> metadata(long mailboxId) throws SQLException;

  /** Sets (or, for a null value, removes) entries; call inside a transaction. */
  abstract void setMetadata(long mailboxId, Map<String, byte[]> changes) throws SQLException;

  // ---- quota

  abstract Quota.Usage usage() throws SQLException;

  /** Counts the usage afresh from the message rows (reindex; a repair should the counter ever drift). */
  abstract void recountUsage() throws SQLException;

  @Override
  public abstract void close();

  static StoreException bug(Exception e) {
    if (DiskReserve.isNoSpace(e)) {
      return DiskReserve.noSpace(e);
    }
    return new StoreException(StoreException.Kind.SERVERBUG, "mail store error: " + e.getMessage(), e);
  }
}
