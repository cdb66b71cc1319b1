package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Entry to every user's mail. One instance per process: it hands out one shared {@link Account} per
 * user so that all sessions of a user see the same state and wake each other, takes local deliveries
 * ({@link #deliver}) and answers quota questions without opening accounts. The default backend is
 * {@link SqliteMailStore} (Maildir++ and a SQLite index per user); {@link PgMailStore} keeps the index in
 * PostgreSQL for several nodes. {@code MailStoreContract} in the tests is what every backend must pass.
 */
public interface MailStore extends AutoCloseable {
  /**
   * Names one local delivery of a queued message, so that a retry after a crash finds the copy an
   * earlier attempt stored instead of storing a second one.
   *
   * @param unique unique per queue message, recipient and user (the queue id is part of it)
   * @param host the delivering host's name
   */
  record DeliveryId(long arrivalEpochSeconds, String unique, String host) {}

  /**
   * The store of {@code config} for a tool or command (no quotas, no space reserve): PostgreSQL when
   * {@code [database] url} names it, else SQLite ({@link MaildirMailStore#open} for the server's).
   */
  static MailStore open(dev.postamt.config.Config config) {
    return MaildirMailStore.open(config, Quota.Policy.NONE, 0);
  }

  /** Opens (or shares) the account of {@code user}, creating it on first use. The caller closes it. */
  Account open(String user);

  Quota.Policy quotaPolicy();

  /** A user's quota limit and usage, for checks made outside a session (SMTP RCPT, delivery, CLI). Cheap. */
  Quota.Status quota(String user);

  /** What a user's mailboxes hold (see {@link #quota}). */
  Quota.Usage usage(String user);

  /** Whether delivery {@code id} of {@code size} bytes is already in the user's INBOX (a retry after a crash). */
  boolean delivered(String user, DeliveryId id, long size) throws IOException;

  /**
   * Stores {@code size} bytes from {@code content} in the user's INBOX; on stable storage when it
   * returns (the caller may then acknowledge). Does not check the quota (the caller does, to choose
   * its reply) and does not open the account: sessions see the message at once (see {@link
   * #notifyDelivered}) or at their next look. A stub ({@link MessageResolver}) is the one exception to
   * "exactly {@code size} bytes": it is delivered under the size of the message it stands for.
   */
  void deliver(String user, DeliveryId id, InputStream content, long size) throws IOException;

  /**
   * Whether the user has {@code mailbox}, answered without opening the account (delivery asks for every
   * message a Sieve script files; opening an account is far dearer than the delivery itself).
   */
  boolean mailboxExists(String user, String mailbox);

  /**
   * Whether delivery {@code id} of {@code size} bytes is already in {@code mailbox} (a retry after a
   * crash), for deliveries that Sieve files into a mailbox other than INBOX or with flags.
   */
  boolean delivered(String user, String mailbox, DeliveryId id, long size) throws IOException;

  /**
   * Like {@link #deliver} but into {@code mailbox}, which must exist (create it through {@link
   * Account#create} first; {@link StoreException.Kind#NONEXISTENT} otherwise), with {@code flags}
   * (system flags and keywords, RFC 5232 imap4flags at delivery). The message and its system flags are
   * on stable storage when it returns; keywords are added to the index right after (a crash in between
   * loses the keywords, never the message). Each target mailbox needs its own {@code id}.
   */
  void deliver(String user, String mailbox, DeliveryId id, InputStream content, long size, java.util.Set<String> flags)
      throws IOException;

  /**
   * Tells sessions of the user (IDLE, selected INBOX) about new mail. Cheap when nobody is logged in, or
   * when the account is open only {@linkplain Account#quiet quietly} (the search indexer's).
   */
  void notifyDelivered(String user);

  /** Rebuilds a user's index from the stored messages; {@code renumber} assigns every UID afresh. */
  void reindex(String user, boolean renumber);

  /** Whether the user has a mail store yet. */
  boolean exists(String user);

  /** Creates the user's (empty) mail store, so that other programs find it; does nothing if it exists. */
  void create(String user) throws IOException;

  /** Where a user's mail is, for messages to the administrator. */
  String location(String user);

  /** The data directory this store lives in (user homes, {@link UserHome}). */
  Path dataDir();

  /** Where the users' homes are ({@code [store] mail_dir}; {@code data_dir/mail} by default). */
  default Path mailRoot() {
    return dataDir().resolve("mail");
  }

  /** Who may use whose mailboxes (RFC 4314 ACLs, shared accounts, send-as), for the whole server. */
  default Shares shares() {
    return new SqliteShares(dataDir());
  }

  @Override
  void close();
}
