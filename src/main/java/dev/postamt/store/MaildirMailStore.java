package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The {@link MailStore} of both backends: every user's mail under {@code data_dir} as Maildir++ files
 * ({@link MaildirBlobStore}) in the layout of {@link MailboxLayout}, indexed by a {@link MailIndex} per
 * account ({@link MaildirAccount}): a SQLite file per user ({@link SqliteMailStore}) or PostgreSQL rows
 * shared by several nodes over one shared mail directory ({@link PgMailStore}). Local delivery writes
 * straight into INBOX's {@code new/} as a Maildir delivery agent does (no index work on the delivery
 * path); the account takes the message in at its next look.
 */
public abstract sealed class MaildirMailStore implements MailStore permits SqliteMailStore, PgMailStore {
  private final Path dataDir;
  private final Path mailRoot;
  private final Quota.Policy quotas;
  private final UnaryOperator<BlobStore> blobs;
  final DiskReserve reserve;
  final Map<String, MaildirAccount> open = new HashMap<>();

  /**
   * @param reserveBytes disk space kept back so that mail can be deleted on a full disk (see {@link
   *     DiskReserve}); 0 for none (tools)
   * @param blobs wraps each user's Maildir blob store (tests inject failures here)
   */
  MaildirMailStore(Path dataDir, Quota.Policy quotas, long reserveBytes, UnaryOperator<BlobStore> blobs) {
    this(dataDir, dataDir.resolve("mail"), quotas, reserveBytes, blobs);
  }

  /** @param mailRoot where the users' homes are ({@code [store] mail_dir}, by default {@code data_dir/mail}) */
  MaildirMailStore(Path dataDir, Path mailRoot, Quota.Policy quotas, long reserveBytes, UnaryOperator<BlobStore> blobs) {
    this.dataDir = dataDir;
    this.mailRoot = mailRoot;
    this.quotas = quotas;
    this.blobs = blobs;
    this.reserve = new DiskReserve(mailRoot, reserveBytes);
    reserve.ensure();
  }

  /**
   * The store {@code config} asks for: PostgreSQL when {@code [database] url} names it, else SQLite
   * files; the mail itself under {@code data_dir} either way.
   *
   * @param reserveBytes disk space kept back so that mail can be deleted on a full disk ({@link
   *     DiskReserve#DEFAULT_BYTES} for the server, 0 for tools)
   */
  public static MaildirMailStore open(dev.postamt.config.Config config, Quota.Policy quotas, long reserveBytes) {
    if (config.database().postgres().isPresent()) {
      return new PgMailStore(dev.postamt.postgres.PgDatabase.of(config.database()), config.dataDir(), config.mailDir(),
          quotas, reserveBytes, UnaryOperator.identity(), config.store().blobsInDatabase());
    }
    return new SqliteMailStore(config.dataDir(), config.mailDir(), quotas, reserveBytes, UnaryOperator.identity());
  }

  /** The server's store (with the default space reserve), as {@code config} asks for. */
  public static MaildirMailStore forServer(dev.postamt.config.Config config, Quota.Policy quotas) {
    return open(config, quotas, DiskReserve.DEFAULT_BYTES);
  }

  /** The writer index of {@code user}'s account, whose home is {@code home}; creates the tables on first use. */
  abstract MailIndex openIndex(String user, Path home) throws java.sql.SQLException;

  /** Where the reads of {@code user}'s account run. */
  abstract MailIndex.Readers readers(String user, Path home);

  /** The usage recorded for {@code user}, read without opening the account; empty when unknown. */
  abstract java.util.Optional<Quota.Usage> peekUsage(String user);

  /** Whether message bodies are Maildir files (else the index alone knows the messages: no folder scans). */
  boolean blobFiles() {
    return true;
  }

  /**
   * Whether every change of an account's index reaches this process as a call of {@link
   * MaildirAccount#changed} or {@link MaildirAccount#changedElsewhere}, so that an account may answer from
   * what it read last while neither was called since ({@link MaildirAccount#knownSnapshot}). Not for
   * SQLite: another process (the CLI) may change the file without telling.
   */
  boolean announcesChanges() {
    return false;
  }

  /** The blob store of {@code user}'s account, before the test wrapper: Maildir++ files in the home. */
  BlobStore blobStore(String user, Path home) {
    return new MaildirBlobStore(home.resolve("Maildir"));
  }

  /** What {@link Account#open} asks before serving a message (IM2000 stubs); {@link MessageResolver#NONE} by default. */
  private volatile MessageResolver resolver = MessageResolver.NONE;

  /** Sets what stands in for stub messages when they are read (the server wires IM2000 here). */
  public void resolveWith(MessageResolver r) {
    this.resolver = r == null ? MessageResolver.NONE : r;
  }

  MessageResolver resolver() {
    return resolver;
  }

  @Override
  public Quota.Policy quotaPolicy() {
    return quotas;
  }

  /**
   * Cheap: an open account answers from its index; otherwise the usage row is read from the index
   * file without opening the account, plus the messages waiting in INBOX's {@code new/}. Only a user
   * whose index predates quotas (or who has none yet) costs an account open, once.
   */
  @Override
  public Quota.Status quota(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    Quota.Limit limit = quotas.limitFor(key);
    if (limit.unlimited()) {
      return new Quota.Status(limit, Quota.Usage.NONE); // nothing to count against
    }
    return new Quota.Status(limit, usage(key));
  }

  @Override
  public Quota.Usage usage(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    MaildirAccount a;
    boolean quiet;
    synchronized (open) {
      MaildirAccount shared = open.get(key);
      if (shared != null) {
        shared.refs++;
      }
      a = shared;
      quiet = a != null && onlyQuiet(a, 1);
    }
    if (a == null) {
      java.util.Optional<Quota.Usage> peeked = peekUsage(key);
      if (peeked.isPresent()) {
        Quota.Usage waiting = waitingInInbox(key);
        return peeked.get().plus(waiting.bytes(), waiting.messages());
      }
      a = (MaildirAccount) open(key); // its open takes in new/
    }
    try {
      Quota.Usage usage = a.quota().usage();
      if (quiet) { // deliveries wait in new/ (notifyDelivered): counted as a closed account's are
        Quota.Usage waiting = waitingInInbox(key);
        usage = usage.plus(waiting.bytes(), waiting.messages());
      }
      return usage;
    } finally {
      a.close();
    }
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public Path mailRoot() {
    return mailRoot;
  }

  /**
   * Creates the Maildir, index and default folders on first use. On a full disk the space reserve is
   * given up for it, so that the user can log in and delete mail.
   */
  @Override
  public Account open(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    MaildirAccount a;
    boolean wasQuiet;
    synchronized (open) {
      a = open.get(key);
      if (a == null) {
        Path home = UserHome.in(mailRoot, key);
        a = reserve.freeing(() -> new MaildirAccount(this, key, home, blobs.apply(blobStore(key, home))));
        open.put(key, a);
      }
      wasQuiet = a.refs > 0 && onlyQuiet(a, 0);
      a.refs++;
    }
    if (wasQuiet) { // open only quietly so far: what waits in new/ comes in, as at a first open
      try {
        takeInInbox(a);
      } catch (RuntimeException e) {
        a.close();
        throw e;
      }
    }
    return a;
  }

  @Override
  public boolean delivered(String user, DeliveryId id, long size) throws IOException {
    return Maildir.contains(MailboxLayout.maildirIn(mailRoot, user), baseName(id, size));
  }

  /** The Maildir delivery of today: {@code tmp/}, fsync, rename into {@code new/}, fsync {@code new/}. */
  @Override
  public void deliver(String user, DeliveryId id, InputStream content, long size) throws IOException {
    Maildir.deliver(MailboxLayout.maildirIn(mailRoot, user), baseName(id, size), content);
  }

  /** A Maildir++ folder is a mailbox: the index takes in folders it does not know at its next reconcile. */
  @Override
  public boolean mailboxExists(String user, String mailbox) {
    String name = MailboxNames.normalize(mailbox);
    return name.equals(MailboxNames.INBOX) || Files.isDirectory(folder(user, name).resolve("cur"));
  }

  @Override
  public boolean delivered(String user, String mailbox, DeliveryId id, long size) throws IOException {
    return Maildir.contains(folder(user, MailboxNames.normalize(mailbox)), baseName(id, size));
  }

  /**
   * Writes {@code new/<base>:2,<letters>} of the mailbox's folder (the system flags in the name, as other
   * Maildir readers expect; {@link FolderScan} takes them from there), then adds keywords through the
   * account, which needs the message indexed first.
   */
  @Override
  public void deliver(String user, String mailbox, DeliveryId id, InputStream content, long size,
      java.util.Set<String> flags) throws IOException {
    String name = MailboxNames.normalize(mailbox);
    Path folder = folder(user, name);
    if (!name.equals(MailboxNames.INBOX) && !Files.isDirectory(folder)) {
      throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + mailbox);
    }
    java.util.Set<String> all = Flags.of(flags);
    String letters = Flags.maildirLetters(all);
    String base = baseName(id, size);
    Maildir.deliver(folder, letters.isEmpty() ? base : base + ":2," + letters, content);
    java.util.List<String> keywords = all.stream().filter(f -> !f.startsWith("\\")).toList();
    if (keywords.isEmpty()) {
      return;
    }
    try (Account a = open(user)) {
      MailboxInfo m = a.mailbox(name).orElseThrow(
          () -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + mailbox));
      ((MaildirAccount) a).poll(m, true);
      for (MessageRecord r : a.messages(m.id())) {
        if (r.base().equals(base)) {
          a.store(m.id(), java.util.List.of(r.uid()), Account.FlagMode.ADD, keywords);
        }
      }
    }
  }

  private Path folder(String user, String mailbox) {
    return new MaildirBlobStore(MailboxLayout.maildirIn(mailRoot, user)).folder(mailbox);
  }

  static String baseName(DeliveryId id, long size) {
    return Maildir.baseName(id.arrivalEpochSeconds(), id.unique(), id.host(), size);
  }

  @Override
  public boolean exists(String user) {
    return Files.isDirectory(MailboxLayout.maildirIn(mailRoot, user));
  }

  @Override
  public void create(String user) throws IOException {
    Maildir.create(MailboxLayout.maildirIn(mailRoot, user));
  }

  @Override
  public String location(String user) {
    return MailboxLayout.maildirIn(mailRoot, user).toString();
  }

  /** The account of {@code user} if this process has it open, with a reference the caller gives back; else null. */
  MaildirAccount shared(String user) {
    synchronized (open) {
      MaildirAccount a = open.get(user.toLowerCase(Locale.ROOT));
      if (a != null) {
        a.refs++;
      }
      return a;
    }
  }

  /** {@link Account#quiet} of one reference to {@code a}. */
  void quiet(MaildirAccount a, boolean quiet) {
    synchronized (open) {
      a.quiet += quiet ? 1 : -1;
    }
  }

  /**
   * Whether every reference to {@code a} but the caller's {@code mine} is {@linkplain Account#quiet
   * quiet}; under {@code open}'s lock.
   */
  private static boolean onlyQuiet(MaildirAccount a, int mine) {
    return a.refs - mine <= a.quiet;
  }

  /** Takes what waits in INBOX's {@code new/} into the index, waiting for the write lock. */
  private static void takeInInbox(MaildirAccount a) {
    a.mailbox(MailboxNames.INBOX).ifPresent(m -> a.poll(m, true));
  }

  /** What waits in the user's INBOX {@code new/} (not yet in the index). */
  private Quota.Usage waitingInInbox(String key) {
    return waiting(MailboxLayout.maildirIn(mailRoot, key).resolve("new"));
  }

  /** {@link #shared}, or null when every reference to the open account is {@linkplain Account#quiet quiet}. */
  private MaildirAccount sharedAndWatched(String user) {
    synchronized (open) {
      MaildirAccount a = open.get(user.toLowerCase(Locale.ROOT));
      if (a == null || onlyQuiet(a, 0)) {
        return null;
      }
      a.refs++;
      return a;
    }
  }

  void release(MaildirAccount a) {
    synchronized (open) {
      if (--a.refs == 0) {
        open.remove(a.user);
        a.closeDb();
      }
    }
  }

  /** Messages delivered into {@code new/} and not yet taken into the index (which moves them to cur/). */
  private static Quota.Usage waiting(Path newDir) {
    long bytes = 0;
    long count = 0;
    try (java.nio.file.DirectoryStream<Path> ds = java.nio.file.Files.newDirectoryStream(newDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        long size = MaildirBlobStore.sizeOf(MaildirBlobStore.baseOf(name));
        if (size < 0) {
          try {
            size = java.nio.file.Files.size(p);
          } catch (java.io.IOException gone) {
            continue; // taken in meanwhile
          }
        }
        bytes += size;
        count++;
      }
    } catch (java.io.IOException e) {
      // no new/ yet: nothing waiting
    }
    return new Quota.Usage(bytes, count);
  }

  /**
   * The message delivered into {@code new/} gets its UID now and sessions that have the user's INBOX
   * selected (or are IDLE) are told at once. Cheap and harmless when nobody is logged in (the message is
   * then indexed on next access).
   */
  @Override
  public void notifyDelivered(String user) {
    // An account open only for the search indexer is left alone: the indexer looks at every folder
    // when its sync starts, and takes a burst in with one transaction there, where taking it in here
    // was a transaction, a WAL fsync and a rename per delivery or two (bench/README.md 2026-12-07).
    MaildirAccount a = sharedAndWatched(user);
    if (a == null) {
      return;
    }
    try {
      takeInInbox(a);
    } finally {
      a.close();
    }
  }

  /** Reconciles the index with the Maildir files; {@code renumber} rebuilds every UID (new UIDVALIDITY). */
  @Override
  public void reindex(String user, boolean renumber) {
    try (Account a = open(user)) {
      a.reindex(renumber);
    }
  }

  @Override
  public void close() {
    synchronized (open) {
      for (MaildirAccount a : open.values()) {
        a.closeDb();
      }
      open.clear();
    }
  }
}
