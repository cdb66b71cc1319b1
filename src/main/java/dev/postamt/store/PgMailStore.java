package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MailStore} of several nodes: Maildir++ files in a mail directory every node mounts (as
 * today, {@code data_dir/mail}), indexed in PostgreSQL ({@link PgMailIndex}), so that the nodes serve
 * the same accounts with the same UIDs and MODSEQs.
 *
 * <p>Change notification between nodes: an index transaction that changed something sends {@code NOTIFY
 * postamt_mail} with this store's node id, the account and the mailbox ids; every other store that has
 * the account open drops its cached lists, takes in new files and wakes the account's watchers (IMAP
 * IDLE and NOTIFY, JMAP push), usually within milliseconds. A delivery into the shared Maildir to an
 * account this node does not have open is announced the same way ({@link #notifyDelivered}), so that the
 * node whose user is in IDLE indexes it at once (a burst of deliveries to one user is announced once per
 * {@link #ANNOUNCE_WINDOW_MILLIS}). A notification lost while a listening connection was
 * down is made good by waking every open account when it is back ({@link
 * dev.postamt.postgres.PgNotifications}).
 */
public final class PgMailStore extends MaildirMailStore {
  private static final Logger log = LoggerFactory.getLogger(PgMailStore.class);

  private final PgDatabase db;
  private final String node = UUID.randomUUID().toString();
  private final boolean blobsInDatabase;
  private volatile boolean closed;

  /**
   * @param reserveBytes disk space kept back so that mail can be deleted on a full disk (see {@link
   *     DiskReserve}); 0 for none (tools)
   */
  public PgMailStore(PgDatabase db, Path dataDir, Quota.Policy quotas, long reserveBytes) {
    this(db, dataDir, quotas, reserveBytes, UnaryOperator.identity());
  }

  PgMailStore(PgDatabase db, Path dataDir, Quota.Policy quotas, long reserveBytes, UnaryOperator<BlobStore> blobs) {
    this(db, dataDir, dataDir.resolve("mail"), quotas, reserveBytes, blobs);
  }

  /** @param mailRoot the users' homes, on a filesystem every node shares ({@code [store] mail_dir}) */
  PgMailStore(PgDatabase db, Path dataDir, Path mailRoot, Quota.Policy quotas, long reserveBytes,
      UnaryOperator<BlobStore> blobs) {
    this(db, dataDir, mailRoot, quotas, reserveBytes, blobs, false);
  }

  /**
   * @param blobsInDatabase message bodies in PostgreSQL ({@link PgBlobStore}, {@code [store] blobs =
   *     "postgresql"}) rather than Maildir files under {@code mailRoot}; the space reserve is then not
   *     laid down (the bodies are on the database's disk)
   */
  PgMailStore(PgDatabase db, Path dataDir, Path mailRoot, Quota.Policy quotas, long reserveBytes,
      UnaryOperator<BlobStore> blobs, boolean blobsInDatabase) {
    super(dataDir, mailRoot, quotas, blobsInDatabase ? 0 : reserveBytes, blobs);
    this.db = db;
    this.blobsInDatabase = blobsInDatabase;
    db.migrate(PgMailIndex.OWNER, PgMailIndex.SCHEMA);
    if (blobsInDatabase) {
      PgBlobStore.migrate(db);
    }
    // off the listening thread, which serves every kind of state: waking an account reads the index
    // (this node's own notifications are dropped here: its sessions were woken already)
    String own = node + " ";
    db.notifications().listen(PgMailIndex.CHANNEL, p -> {
      if (p == null || !p.startsWith(own)) {
        Thread.ofVirtual().name("postamt-mail-notify").start(() -> changedElsewhere(p));
      }
    });
  }

  @Override
  MailIndex openIndex(String user, Path home) throws SQLException {
    return PgMailIndex.open(db, node, user);
  }

  @Override
  MailIndex.Readers readers(String user, Path home) {
    return PgMailIndex.readers(db, node, user);
  }

  @Override
  Optional<Quota.Usage> peekUsage(String user) {
    return PgMailIndex.peekUsage(db, user);
  }

  /**
   * Takes the message in here if this node has the account open, else tells the nodes that may. With the
   * blobs in the database the delivery committed its index row and told the other nodes itself: only this
   * node's sessions of the account are woken.
   */
  @Override
  public void notifyDelivered(String user) {
    if (blobsInDatabase) {
      PgDelivery.wake(this, user);
      return;
    }
    MaildirAccount a = shared(user);
    if (a != null) {
      a.close();
      super.notifyDelivered(user); // indexing it notifies the other nodes
      return;
    }
    announce(user.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * How long after telling the other nodes of a delivery to a user the next deliveries to the same user
   * are gathered into one more notification: a node with the user in IDLE hears of the first delivery at
   * once and of a burst's others at most this much later, and a burst costs a statement per window rather
   * than one per message.
   */
  static final long ANNOUNCE_WINDOW_MILLIS = 200;

  private static final java.util.concurrent.Executor WINDOW_ENDS =
      r -> Thread.ofVirtual().name("postamt-mail-announce").start(r);

  /** Users told of within the window, each with whether another delivery came since (see {@link #announce}). */
  private final Map<String, Boolean> announced = new HashMap<>();

  /**
   * Tells the other nodes that {@code user} has new mail: at once unless they were told less than {@link
   * #ANNOUNCE_WINDOW_MILLIS} ago; then once more when the window ends, for whatever arrived within it. The
   * message is in the Maildir before this is called, so the notification that covers it is sent after it.
   */
  private void announce(String user) {
    synchronized (announced) {
      if (announced.containsKey(user)) {
        announced.put(user, Boolean.TRUE); // the window's end tells of it
        return;
      }
      announced.put(user, Boolean.FALSE);
    }
    sendAnnouncement(user);
  }

  private void sendAnnouncement(String user) {
    try {
      db.notifications().notify(PgMailIndex.CHANNEL, node + " " + user);
    } catch (SQLException e) {
      // the other nodes find the message at their next look (IDLE's periodic check, the next command)
      log.warn("store: cannot tell other nodes of new mail for {}: {}", user, e.getMessage());
    } finally {
      // on a virtual thread of its own: the common pool may be busy with others' blocking work
      CompletableFuture.delayedExecutor(ANNOUNCE_WINDOW_MILLIS, TimeUnit.MILLISECONDS, WINDOW_ENDS)
          .execute(() -> windowEnds(user));
    }
  }

  private void windowEnds(String user) {
    synchronized (announced) {
      if (!Boolean.TRUE.equals(announced.get(user))) {
        announced.remove(user);
        return;
      }
      announced.put(user, Boolean.FALSE);
    }
    if (!closed) {
      sendAnnouncement(user);
    }
  }

  /**
   * A notification: {@code node account [ids]} from a node (ours is skipped: its sessions were woken
   * already), or null after the listening connection was (re)made, when every open account is woken.
   */
  private void changedElsewhere(String payload) {
    if (closed) {
      return;
    }
    List<MaildirAccount> accounts = new ArrayList<>();
    java.util.Set<Long> ids = new java.util.HashSet<>();
    if (payload == null) {
      synchronized (open) {
        for (MaildirAccount a : open.values()) {
          a.refs++;
          accounts.add(a);
        }
      }
    } else {
      String[] words = payload.split(" ");
      if (words.length < 2 || words[0].equals(node)) {
        return;
      }
      MaildirAccount a = shared(words[1]);
      if (a == null) {
        return;
      }
      accounts.add(a);
      if (words.length > 2) {
        try {
          for (String id : words[2].split(",")) {
            ids.add(Long.parseLong(id));
          }
        } catch (NumberFormatException e) {
          ids.clear(); // not from this version: look at every mailbox
        }
      }
    }
    for (MaildirAccount a : accounts) {
      try {
        a.changedElsewhere(ids);
      } catch (RuntimeException e) {
        log.warn("store: {}: cannot take in a change made by another node: {}", a.user, e.getMessage());
      } finally {
        a.close();
      }
    }
  }

  @Override
  boolean blobFiles() {
    return !blobsInDatabase;
  }

  /**
   * Every index write of every node and process sends {@code NOTIFY} when it commits ({@link PgMailIndex});
   * those of other nodes reach the account through {@link #changedElsewhere}, this node's call {@code
   * changed()} themselves, and a lost listening connection wakes every open account when it is back.
   */
  @Override
  boolean announcesChanges() {
    return true;
  }

  @Override
  BlobStore blobStore(String user, Path home) {
    return blobsInDatabase ? new PgBlobStore(db, user) : super.blobStore(user, home);
  }

  /** This store's database and node id, for {@link PgDelivery}. */
  PgDatabase database() {
    return db;
  }

  String node() {
    return node;
  }

  @Override
  public boolean delivered(String user, DeliveryId id, long size) throws java.io.IOException {
    return blobsInDatabase ? delivery().delivered(user, MailboxNames.INBOX, id, size) : super.delivered(user, id, size);
  }

  @Override
  public boolean delivered(String user, String mailbox, DeliveryId id, long size) throws java.io.IOException {
    return blobsInDatabase ? delivery().delivered(user, mailbox, id, size) : super.delivered(user, mailbox, id, size);
  }

  @Override
  public void deliver(String user, DeliveryId id, java.io.InputStream content, long size) throws java.io.IOException {
    if (blobsInDatabase) {
      delivery().deliver(user, MailboxNames.INBOX, id, content, size, java.util.Set.of());
    } else {
      super.deliver(user, id, content, size);
    }
  }

  @Override
  public void deliver(String user, String mailbox, DeliveryId id, java.io.InputStream content, long size,
      java.util.Set<String> flags) throws java.io.IOException {
    if (blobsInDatabase) {
      delivery().deliver(user, mailbox, id, content, size, flags);
    } else {
      super.deliver(user, mailbox, id, content, size, flags);
    }
  }

  @Override
  public boolean mailboxExists(String user, String mailbox) {
    return blobsInDatabase ? delivery().mailboxExists(user, mailbox) : super.mailboxExists(user, mailbox);
  }

  @Override
  public boolean exists(String user) {
    return blobsInDatabase ? delivery().exists(user) : super.exists(user);
  }

  @Override
  public void create(String user) throws java.io.IOException {
    if (blobsInDatabase) {
      open(user).close();
    } else {
      super.create(user);
    }
  }

  @Override
  public String location(String user) {
    return blobsInDatabase ? "account " + user.toLowerCase(java.util.Locale.ROOT) + " in " + db.display()
        : super.location(user);
  }

  private PgDelivery delivery() {
    return new PgDelivery(this);
  }

  @Override
  public Shares shares() {
    return PgShares.open(db);
  }

  @Override
  public void close() {
    closed = true;
    super.close();
  }
}
