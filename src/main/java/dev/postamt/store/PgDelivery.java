package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Local delivery when the message bodies live in PostgreSQL ({@link PgBlobStore}): there is no {@code
 * new/} for the account to take mail in from, so the delivery writes the blob and its index row in one
 * transaction of the account ({@link PgMailIndex#inTx}, which locks the account's row, gives the next UID
 * and sends {@code NOTIFY postamt_mail} to the other nodes at commit). Either both are committed or
 * neither: a crash never leaves a message only half stored, and the caller may answer {@code 250} once
 * {@link #deliver} returns (the commit is synchronous, see {@link PgBlobStore}).
 *
 * <p>The blob key is the delivery id ({@link Maildir#baseName}), so a retry after a crash finds the
 * earlier copy ({@link #delivered}) and a repeated delivery inside the transaction stores nothing twice.
 * The index is the truth for which mailboxes exist; the account is opened (which makes INBOX and the
 * default folders) only for a user's very first delivery.
 */
final class PgDelivery {
  private final PgMailStore store;

  PgDelivery(PgMailStore store) {
    this.store = store;
  }

  private PgMailIndex index(String user) {
    return new PgMailIndex(store.database(), store.node(), user.toLowerCase(Locale.ROOT));
  }

  private PgBlobStore blobs(String user) {
    return new PgBlobStore(store.database(), user.toLowerCase(Locale.ROOT));
  }

  boolean delivered(String user, String mailbox, MailStore.DeliveryId id, long size) throws IOException {
    Optional<MailboxInfo> m = find(user, MailboxNames.normalize(mailbox));
    return m.isPresent() && blobs(user).has(m.get().id(), MaildirMailStore.baseName(id, size));
  }

  boolean mailboxExists(String user, String mailbox) {
    String name = MailboxNames.normalize(mailbox);
    if (name.equals(MailboxNames.INBOX)) {
      return true;
    }
    try {
      return find(user, name).isPresent();
    } catch (IOException e) {
      throw MailIndex.bug(e);
    }
  }

  /** Whether the account was made (its first open creates INBOX and the default folders). */
  boolean exists(String user) {
    try {
      return index(user).initialized();
    } catch (SQLException e) {
      throw MailIndex.bug(e);
    }
  }

  private Optional<MailboxInfo> find(String user, String name) throws IOException {
    try {
      return index(user).findMailbox(name);
    } catch (SQLException e) {
      throw new IOException("cannot read the mailboxes of " + user + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores the message in {@code mailbox} with {@code flags} (system flags and keywords alike, RFC 5232 at
   * delivery), committed with its index row. INBOX is made on a first delivery; another mailbox must exist
   * ({@link StoreException.Kind#NONEXISTENT}).
   */
  void deliver(String user, String mailbox, MailStore.DeliveryId id, InputStream content, long size,
      Set<String> flags) throws IOException {
    String name = MailboxNames.normalize(mailbox);
    String key = MaildirMailStore.baseName(id, size);
    Set<String> all = Flags.of(flags);
    PgMailIndex index = index(user);
    PgBlobStore blobs = blobs(user);
    for (int attempt = 0; ; attempt++) {
      boolean stored;
      try {
        stored = index.inTx(() -> {
          Optional<MailboxInfo> m = index.findMailbox(name);
          if (m.isEmpty()) {
            return false;
          }
          long box = m.get().id();
          if (!blobs.has(index.transaction(), box, key)) {
            blobs.insertDelivery(index.transaction(), box, key, content, size);
            index.insertMessage(box, key, all, System.currentTimeMillis(), size);
          }
          return true;
        });
      } catch (SQLException e) {
        throw new IOException("cannot deliver to " + user + ": " + e.getMessage(), e);
      } catch (StoreException e) {
        if (e.getCause() instanceof IOException io) {
          throw io; // the message stream failed: nothing was committed
        }
        throw e;
      }
      if (stored) {
        return;
      }
      if (!name.equals(MailboxNames.INBOX) || attempt > 0) {
        throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + mailbox);
      }
      store.create(user); // a first delivery: the account with INBOX and the default folders
    }
  }

  /**
   * Wakes this node's sessions of the user after a delivery (the other nodes heard the transaction's
   * NOTIFY): the watchers (IDLE, NOTIFY, JMAP push) are told; their next snapshot sees the new UIDNEXT and
   * reads only the rows changed since ({@link SnapshotCache}).
   */
  static void wake(PgMailStore store, String user) {
    MaildirAccount a = store.shared(user);
    if (a == null) {
      return;
    }
    try {
      a.changed();
    } finally {
      a.close();
    }
  }
}
