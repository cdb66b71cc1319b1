package dev.postamt.store;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox writes of a {@link MaildirAccount}: the default folders at first open, CREATE, DELETE,
 * RENAME (INBOX's by moving its messages, RFC 3501 §6.3.5), subscriptions and METADATA, each under the
 * account's write lock. Apart from the account, which answers reads, as {@link MessageWriter} holds the
 * message writes: the same order of blobs first, index after, so {@code kill -9} leaves nothing the next
 * open cannot reconcile.
 */
final class MailboxWriter {
  /** Logs under {@link MaildirAccount}, as these lines always have. */
  private static final Logger log = LoggerFactory.getLogger(MaildirAccount.class);

  private final MaildirAccount account;
  private final MailIndex index;
  private final BlobStore blobs;

  MailboxWriter(MaildirAccount account) {
    this.account = account;
    this.index = account.index;
    this.blobs = account.blobs;
  }

  /** First open: default folders; every open: folders on disk the index lacks, then reconcile. */
  void initialize() throws SQLException, IOException {
    index.inTx(() -> {
      boolean fresh = !index.initialized();
      // the names read once (under the transaction's lock no other writer adds one meanwhile)
      Set<String> names = new java.util.HashSet<>();
      index.mailboxes().forEach(m -> names.add(m.name()));
      if (names.add(MailboxNames.INBOX)) {
        index.insertMailbox(MailboxNames.INBOX, null);
      }
      if (fresh) {
        for (var e : Account.DEFAULT_FOLDERS.entrySet()) {
          if (names.add(e.getKey())) {
            blobs.createMailbox(e.getKey());
            index.insertMailbox(e.getKey(), e.getValue());
            index.subscribe(e.getKey(), true);
          }
        }
        index.subscribe(MailboxNames.INBOX, true);
        index.markInitialized();
      }
      for (String name : account.scan == null ? List.<String>of() : account.maildir.folderNames()) {
        if (names.add(name)) {
          index.insertMailbox(name, Account.DEFAULT_FOLDERS.get(name));
        }
      }
      return null;
    });
    for (MailboxInfo m : account.scan == null ? List.<MailboxInfo>of() : account.mailboxes()) {
      try {
        account.scan.reconcile(m, false);
      } catch (SQLException | IOException e) {
        if (!DiskReserve.isNoSpace(e)) {
          throw e;
        }
        // Disk full: files not yet indexed wait for the next open; the user can still log in and delete.
        log.warn("store: {}: cannot take in new files of {} (disk full)", account.user, m.name());
      }
    }
  }

  MailboxInfo create(String name, String specialUse) {
    String n = MailboxNames.normalize(name);
    MailboxNames.validate(n);
    blobs.checkName(n);
    return account.write(() -> {
      if (index.findMailbox(n).isPresent()) {
        throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Mailbox already exists");
      }
      blobs.createMailbox(n);
      MailboxInfo m = index.inTx(() -> index.insertMailbox(n, specialUse));
      account.changed();
      return m;
    });
  }

  void delete(String name) {
    String n = MailboxNames.normalize(name);
    if (n.equals(MailboxNames.INBOX)) {
      throw new StoreException(StoreException.Kind.CANNOT, "INBOX can't be deleted");
    }
    account.owner.reserve.freeing(() -> account.write(() -> {
      MailboxInfo m = account.require(n);
      for (MailboxInfo other : account.mailboxes()) {
        if (MailboxNames.isBelow(other.name(), n)) {
          throw new StoreException(StoreException.Kind.CANNOT, "Mailbox has children, delete them first");
        }
      }
      blobs.deleteMailbox(m);
      index.inTx(() -> {
        index.deleteMailbox(m.id());
        return null;
      });
      account.snapshots.forget(m.id());
      account.changed();
      return null;
    }));
  }

  void rename(String from, String to) {
    String f = MailboxNames.normalize(from);
    String t = MailboxNames.normalize(to);
    MailboxNames.validate(t);
    account.write(() -> {
      if (index.findMailbox(t).isPresent()) {
        throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Target mailbox already exists");
      }
      if (MailboxNames.isBelow(t, f)) {
        throw new StoreException(StoreException.Kind.CANNOT, "Can't rename a mailbox under itself");
      }
      if (f.equals(MailboxNames.INBOX)) {
        blobs.checkName(t);
        MailboxInfo src = account.require(f);
        MailboxInfo target = create(t, null);
        List<MessageRecord> all = account.messages(src.id());
        account.messages.copyMessages(src.id(), all, target.name());
        account.messages.removeMessages(src, all);
        account.changed();
        return null;
      }
      List<MailboxInfo> moving = new ArrayList<>();
      for (MailboxInfo m : account.mailboxes()) {
        if (m.name().equals(f) || MailboxNames.isBelow(m.name(), f)) {
          moving.add(m);
        }
      }
      if (moving.isEmpty()) {
        throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + from);
      }
      for (MailboxInfo m : moving) {
        String newName = t + m.name().substring(f.length());
        MailboxNames.validate(newName);
        blobs.checkName(newName);
      }
      for (MailboxInfo m : moving) {
        String newName = t + m.name().substring(f.length());
        blobs.renameMailbox(m.name(), newName);
        index.inTx(() -> {
          index.renameMailbox(m.id(), newName);
          return null;
        });
        account.snapshots.forget(m.id()); // its folder name, which poll looks at
      }
      account.changed();
      return null;
    });
  }

  void subscribe(String name, boolean on) {
    String n = MailboxNames.normalize(name);
    account.owner.reserve.freeing(() -> account.write(() -> index.inTx(() -> {
      index.subscribe(n, on);
      return null;
    })));
    account.changed(); // IMAP NOTIFY reports subscription changes (RFC 5465 §5.5)
  }

  void setMetadata(long mailboxId, java.util.Map<String, byte[]> changes) {
    account.write(() -> index.inTx(() -> {
      if (mailboxId != Account.SERVER_METADATA && index.findMailbox(mailboxId).isEmpty()) {
        throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist");
      }
      index.setMetadata(mailboxId, changes);
      return null;
    }));
    account.changed(); // IMAP NOTIFY reports annotation changes (RFC 5465 §5.6, §5.7)
  }
}
