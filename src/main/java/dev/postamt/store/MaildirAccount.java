package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Account} of both backends: a {@link MailIndex} (SQLite file per user, or PostgreSQL rows
 * shared by every node) that gives the messages of a {@link BlobStore} (Maildir++ files) UIDs, flags,
 * MODSEQs and INTERNALDATEs.
 *
 * <p>Locking: writes hold {@link #writeLock} and use the one writer index, so they are serialised
 * within the process; reads take no lock and run on an index of their own ({@link MailIndex.Readers}),
 * each in one read transaction, so two sessions of a user (and a session and a delivery) never wait for
 * each other to read. A read made while the calling thread holds the write lock uses the writer index,
 * so it sees its own transaction. Other processes (the CLI, other nodes) are kept consistent by the
 * database: SQLite's file lock, PostgreSQL's per-account row lock (see {@link PgMailIndex}).
 *
 * <p>Order of writes, so that {@code kill -9} at any point loses nothing and never reuses a UID: blobs
 * are written and fsync'd before the index row is committed; expunged blobs are removed before their
 * rows. Opening reconciles both ways (see {@link FolderScan}).
 *
 * <p>Reads live here; mailbox writes in {@link MailboxWriter}, message writes in {@link MessageWriter},
 * the shared snapshot list in {@link SnapshotCache}.
 */
final class MaildirAccount implements Account {
  private static final Logger log = LoggerFactory.getLogger(MaildirAccount.class);

  final MaildirMailStore owner;
  final String user;
  final MaildirBlobStore maildir;
  final BlobStore blobs;
  final MailIndex index;
  final ReentrantLock writeLock = new ReentrantLock();
  private final MailIndex.Readers readers;
  /** Null when the blobs are not Maildir files ({@link PgBlobStore}): the index is then the truth. */
  final FolderScan scan;
  final SnapshotCache snapshots = new SnapshotCache(this);
  final MessageWriter messages;
  private final MailboxWriter mailboxWrites;
  private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
  int refs;
  /** How many of {@link #refs} are {@linkplain Account#quiet quiet}; guarded as {@code refs} is. */
  int quiet;

  MaildirAccount(MaildirMailStore owner, String user, Path home, BlobStore blobs) {
    this.owner = owner;
    this.user = user;
    this.maildir = new MaildirBlobStore(home.resolve("Maildir"));
    this.blobs = blobs == null ? maildir : blobs;
    boolean files = owner.blobFiles();
    MailIndex opened = null;
    try {
      Files.createDirectories(home); // the user's own files (POP3 sizes, .forward) whatever holds the mail
      if (files) {
        maildir.ensureFolder(MailboxNames.INBOX);
      }
      opened = owner.openIndex(user, home);
    } catch (SQLException | IOException e) {
      throw MailIndex.bug(e);
    }
    index = opened;
    readers = owner.readers(user, home);
    scan = files ? new FolderScan(this, index, maildir) : null;
    messages = new MessageWriter(this);
    mailboxWrites = new MailboxWriter(this);
    try {
      write(() -> {
        mailboxWrites.initialize();
        return null;
      });
    } catch (RuntimeException e) {
      closeDb();
      throw e;
    }
  }

  @Override
  public String user() {
    return user;
  }

  // ---- locking ----------------------------------------------------------------------------------

  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException, IOException;
  }

  /** Runs {@code body} as the account's one writer. */
  <T> T write(Work<T> body) {
    writeLock.lock();
    try {
      return body.run();
    } catch (SQLException | IOException e) {
      throw MailIndex.bug(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs one read statement on a connection of its own, or on the writer's when this thread is writing. */
  <T> T read(ReadConnections.Read<T> body) {
    return read(body, false);
  }

  /** Runs several reads that must see one committed state (one read transaction). */
  <T> T readConsistent(ReadConnections.Read<T> body) {
    return read(body, true);
  }

  private <T> T read(ReadConnections.Read<T> body, boolean oneState) {
    try {
      if (writeLock.isHeldByCurrentThread()) {
        return body.run(index);
      }
      return readers.read(oneState ? r -> r.inReadTx(body) : body);
    } catch (SQLException e) {
      throw MailIndex.bug(e);
    }
  }

  // ---- mailboxes ----------------------------------------------------------------------------------

  @Override
  public List<MailboxInfo> mailboxes() {
    return read(MailIndex::mailboxes);
  }

  @Override
  public Optional<MailboxInfo> mailbox(String name) {
    String n = MailboxNames.normalize(name);
    Snapshot known = known(n);
    if (known != null) {
      return Optional.of(known.info());
    }
    return read(i -> i.findMailbox(n));
  }

  @Override
  public Optional<MailboxInfo> mailbox(long id) {
    Snapshot known = known(id);
    if (known != null) {
      return Optional.of(known.info());
    }
    return read(i -> i.findMailbox(id));
  }

  MailboxInfo require(String name) {
    return mailbox(name)
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + name));
  }

  MailboxInfo require(long id) {
    return mailbox(id).orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
  }

  @Override
  public MailboxInfo create(String name, String specialUse) {
    return mailboxWrites.create(name, specialUse);
  }

  @Override
  public void delete(String name) {
    mailboxWrites.delete(name);
  }

  @Override
  public void rename(String from, String to) {
    mailboxWrites.rename(from, to);
  }

  @Override
  public void subscribe(String name, boolean on) {
    mailboxWrites.subscribe(name, on);
  }


  @Override
  public Set<String> subscriptions() {
    return read(MailIndex::subscriptions);
  }

  @Override
  public Status status(String name) {
    poll(require(name).id());
    String n = MailboxNames.normalize(name);
    return readConsistent(i -> i.status(i.findMailbox(n)
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + name))));
  }

  @Override
  public java.util.SortedMap<String, byte[]> metadata(long mailboxId) {
    return read(i -> i.metadata(mailboxId));
  }

  @Override
  public void setMetadata(long mailboxId, java.util.Map<String, byte[]> changes) {
    mailboxWrites.setMetadata(mailboxId, changes);
  }

  // ---- messages: reads here, writes in MessageWriter ---------------------------------------------

  @Override
  public List<MessageRecord> messages(long mailboxId) {
    return read(i -> i.messagesAbove(mailboxId, 0));
  }

  @Override
  public Snapshot snapshot(long mailboxId) {
    poll(mailboxId);
    Snapshot known = known(mailboxId);
    if (known != null) {
      return known;
    }
    long count = snapshots.count(); // before the read: a change after it moves the count past what is stored
    return readConsistent(i -> {
      MailboxInfo info = i.findMailbox(mailboxId)
          .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
      return new Snapshot(info, snapshots.current(i, info, count));
    });
  }

  @Override
  public Optional<Snapshot> knownSnapshot(long mailboxId) {
    if (!owner.announcesChanges()) {
      return Optional.empty();
    }
    poll(mailboxId);
    return Optional.ofNullable(known(mailboxId));
  }

  /**
   * The snapshot last read, when the store announces every change and none was announced since; else
   * null. A thread that writes reads its own transaction instead.
   */
  private Snapshot known(long mailboxId) {
    return writeLock.isHeldByCurrentThread() ? null : snapshots.known(mailboxId);
  }

  /** {@link #known(long)} of the mailbox named {@code name} (normalized). */
  private Snapshot known(String name) {
    return writeLock.isHeldByCurrentThread() ? null : snapshots.known(name);
  }

  @Override
  public Snapshot changedSince(long mailboxId, long modseq) {
    poll(mailboxId);
    return readConsistent(i -> {
      MailboxInfo info = i.findMailbox(mailboxId)
          .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
      return new Snapshot(info, List.copyOf(i.messagesAbove(mailboxId, modseq)));
    });
  }

  @Override
  public Optional<MessageContent> open(MailboxInfo mailbox, MessageRecord m) {
    try {
      Optional<MessageContent> stored = blobs.open(mailbox, m.base(), m.flags());
      if (stored.isEmpty()) {
        return stored;
      }
      MessageResolver.Resolved r = owner.resolver().resolve(user, stored.get());
      return r.outcome() == MessageResolver.Outcome.CONTENT ? Optional.of(r.content()) : Optional.empty();
    } catch (IOException e) {
      throw MailIndex.bug(e);
    }
  }

  @Override
  public long claimRecent(long mailboxId, long upToUidNext) {
    return owner.reserve.freeing(() -> messages.claimRecent(mailboxId, upToUidNext));
  }

  @Override
  public AppendResult append(String mailbox, InputStream content, long size, Set<String> flags, long internalDate) {
    return messages.append(mailbox, content, size, flags, internalDate);
  }

  @Override
  public CopyResult copy(long sourceId, List<MessageRecord> msgs, String target) {
    return messages.copy(sourceId, msgs, target);
  }

  @Override
  public CopyResult move(long sourceId, List<MessageRecord> msgs, String target) {
    return messages.move(sourceId, msgs, target);
  }

  @Override
  public List<MessageRecord> store(
      long mailboxId, Collection<Long> uids, FlagMode mode, Collection<String> flags, long unchangedSince,
      List<Long> modified) {
    return owner.reserve.freeing(() -> messages.store(mailboxId, uids, mode, flags, unchangedSince, modified));
  }

  @Override
  public List<Long> expunge(long mailboxId, Optional<Set<Long>> onlyUids) {
    return owner.reserve.freeing(() -> messages.expunge(mailboxId, onlyUids));
  }

  @Override
  public Optional<List<Long>> expungedSince(long mailboxId, long sinceModseq) {
    return read(i -> Optional.ofNullable(i.expungedSince(mailboxId, sinceModseq))); // one statement: see MailIndex
  }

  @Override
  public long expungeModseq(long mailboxId, Collection<Long> uids) {
    return read(i -> i.expungeModseq(mailboxId, uids));
  }

  @Override
  public int forgetExpunged(long mailboxId, int keep) {
    return write(() -> index.inTx(() -> index.forgetExpunged(mailboxId, keep)));
  }

  // ---- quota ---------------------------------------------------------------------------------------

  @Override
  public Quota.Status quota() {
    return quota(owner.quotaPolicy().limitFor(user));
  }

  @Override
  public boolean fits(long addBytes, long addMessages) {
    Quota.Limit limit = owner.quotaPolicy().limitFor(user);
    return limit.unlimited() || quota(limit).allows(addBytes, addMessages);
  }

  Quota.Status quota(Quota.Limit limit) {
    mailbox(MailboxNames.INBOX).ifPresent(m -> poll(m.id()));
    return new Quota.Status(limit, read(MailIndex::usage));
  }

  @Override
  public long deletedSize(String name) {
    long id = require(name).id();
    return read(i -> i.deletedSize(id));
  }

  // ---- new mail and reconciliation (see FolderScan) -----------------------------------------------

  /**
   * Takes in whatever the delivery agent (or another program) put into {@code new/}. Lock-free when
   * nothing arrived, and skipped while another thread writes (the mail is taken in at the next look;
   * local delivery's {@link MaildirMailStore#notifyDelivered} waits instead). On a full disk new mail
   * waits in {@code new/}: reading and deleting go on.
   */
  @Override
  public void poll(long mailboxId) {
    poll(mailboxId, false);
  }

  /**
   * The write lock, waiting a moment for another holder: most often that is another poll taking in the
   * same new mail (a wake-up from another node, IDLE's look), and a caller that just delivered expects to
   * see its message. A long writer (a big COPY) is not waited out: the new mail is then reported later.
   */
  private boolean tryWriteLock() {
    try {
      return writeLock.tryLock(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void poll(long mailboxId, boolean wait) {
    if (scan == null) {
      return; // blobs in the database: deliveries commit their index rows themselves
    }
    // Where every change is announced, the folder's name as last read (a rename here forgets it, one
    // elsewhere is announced): looking at new/ then costs no read of the index.
    MailboxInfo last = owner.announcesChanges() ? snapshots.lastInfo(mailboxId) : null;
    Optional<MailboxInfo> m = last != null ? Optional.of(last) : mailbox(mailboxId);
    m.ifPresent(info -> poll(info, wait));
  }

  /**
   * {@link #poll(long, boolean)} of a mailbox the caller has just read: its row is not read again (the
   * scan needs only its id and folder; a mailbox renamed by another node meanwhile has no folder under the
   * old name, and its new mail is taken in at the next look).
   */
  void poll(MailboxInfo m, boolean wait) {
    if (scan == null || !scan.mayHaveNew(m)) {
      return;
    }
    if (wait || writeLock.isHeldByCurrentThread()) {
      writeLock.lock();
    } else if (!tryWriteLock()) {
      return;
    }
    try {
      if (scan.poll(m) > 0) {
        changed();
      }
    } catch (SQLException | IOException e) {
      if (!DiskReserve.isNoSpace(e)) {
        throw MailIndex.bug(e);
      }
      log.debug("store: {}: new mail waits, disk full", user);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void reindex(boolean renumber) {
    if (scan == null && renumber) {
      throw new StoreException(StoreException.Kind.CANNOT, "renumbering rebuilds the index from Maildir files;"
          + " with [store] blobs = \"postgresql\" the index is the only record of the messages");
    }
    write(() -> {
      if (scan != null) {
        scan.reindex(renumber);
      } else {
        dropUnreferencedBlobs(PgBlobStore.GRACE);
      }
      index.recountUsage();
      changed();
      return null;
    });
  }

  /**
   * With blobs in the database, the index is the truth: blobs older than {@code age} that no index row
   * names (a crash between an APPEND's blob and its index row) are removed. Returns how many.
   */
  int dropUnreferencedBlobs(java.time.Duration age) throws IOException {
    if (!(blobs instanceof PgBlobStore pg)) {
      return 0;
    }
    java.util.Map<Long, Set<String>> referenced = new java.util.HashMap<>();
    for (MailboxInfo m : mailboxes()) {
      Set<String> keys = new java.util.HashSet<>();
      messages(m.id()).forEach(r -> keys.add(r.base()));
      referenced.put(m.id(), keys);
    }
    int dropped = pg.dropUnreferenced(referenced, age);
    if (dropped > 0) {
      log.info("store: {}: removed {} message bodies no index row named (left by a crash)", user, dropped);
    }
    return dropped;
  }

  // ---- change notification ---------------------------------------------------------------------------

  @Override
  public Runnable watch(Runnable r) {
    watchers.add(r);
    return () -> watchers.remove(r);
  }

  void changed() {
    changed(null);
  }

  /** {@link #changed()} by a write that knows the mailbox it leaves behind (see {@link SnapshotCache#changed}). */
  void changed(MessageWriter.Known known) {
    snapshots.changed(known);
    for (Runnable r : watchers) {
      r.run();
    }
  }

  /**
   * Another node changed the mailboxes {@code ids} of the account, or delivered to it when {@code ids}
   * is empty (PostgreSQL's notification, see {@link PgMailStore}): cached snapshots are no longer taken
   * as current, new files in the shared Maildir taken in, sessions woken.
   */
  void changedElsewhere(Set<Long> ids) {
    // The cached lists stay as bases to bring up to date (their HIGHESTMODSEQ tells what changed since);
    // the count makes every session read again.
    snapshots.changed(null);
    for (MailboxInfo m : mailboxes()) {
      if (ids.isEmpty() || ids.contains(m.id())) {
        poll(m, true);
      }
    }
    changed();
  }

  @Override
  public void close() {
    owner.release(this);
  }

  @Override
  public void quiet(boolean quiet) {
    owner.quiet(this, quiet);
  }

  void closeDb() {
    readers.close();
    index.close();
  }

  /** For tests that remove files behind the store's back. */
  Path file(MailboxInfo mailbox, MessageRecord m) throws IOException {
    return maildir.find(mailbox.name(), m.base(), m.flags());
  }
}