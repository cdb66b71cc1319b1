package dev.postamt.search;

import dev.postamt.config.Search;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's full-text indexes: one {@link UserIndex} per user under {@code data_dir/search/}, kept up
 * by one indexer thread fed through a bounded queue of users whose mail changed, and asked by IMAP SEARCH
 * ({@link #substrings}) and JMAP ({@link #words}, both answered by {@link IndexAnswers}).
 *
 * <p>Lag and overflow: a change costs the notifier an {@code offer}; a user already waiting is not
 * queued twice, and is synced once its changes pause ({@link IndexPacing}). When the queue is full the user is marked stale and caught up once the queue has drained,
 * so delivery and sessions never wait for the index. Catch-up on start: every user with an index is
 * queued, and so is every user whose account is opened for the first time in this process; the index
 * compares its recorded UIDVALIDITY/UIDNEXT/HIGHESTMODSEQ per mailbox with the store's.
 *
 * <p>Faults: an index that fails to open or to read with signs of damage (Lucene's corruption and format
 * exceptions, a missing or truncated file) is moved to {@code data_dir/search/.broken/} and rebuilt in the
 * background; until it has caught up, searches read the messages it does not know. Searching never
 * throws: a failing index answers nothing ({@link SubstringAnswers#NONE}). The open indexes and their
 * recovery are {@link OpenIndexes}.
 */
public final class SearchIndexes implements SearchBackend {
  private static final Logger log = LoggerFactory.getLogger(SearchIndexes.class);
  /** Wakes the indexer to stop (compared by identity). */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String STOP = new String("stop");

  private final MailStore store;
  private final Path root;
  final MessageDocument.Budget budget;
  private final BlockingQueue<String> queue;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Set<String> stale = ConcurrentHashMap.newKeySet();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  final IndexPacing pacing = new IndexPacing();
  /** Accounts kept open between syncs (the server's indexer only: {@link #holdAccounts}). */
  private final HeldAccounts accounts = new HeldAccounts();
  private volatile boolean holdAccounts;
  /** Messages in a user's index from which its account is held after a burst too ({@link HeldAccounts#LARGE}; tests lower it). */
  volatile int holdLarge = HeldAccounts.LARGE;
  /** The open indexes, their leases, and the damaged ones moved aside. */
  final OpenIndexes indexes;
  final AtomicInteger indexed = new AtomicInteger();
  private final AtomicInteger working = new AtomicInteger();
  private volatile boolean closed;
  private final IndexAnswers answers = new IndexAnswers(this);
  /** Parses and adds messages beside the indexer's thread during a catch-up (see {@link UserIndex#sync}). */
  final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
      UserIndex.THREADS, Thread.ofPlatform().daemon().name("search-parse-", 0).factory());
  private Thread worker;

  private SearchIndexes(MailStore store, Search config) {
    this.store = store;
    this.root = store.dataDir().resolve("search");
    this.budget = new MessageDocument.Budget(config.messageMax(), 4_000_000, config.attachmentTextMax());
    this.queue = new ArrayBlockingQueue<>(config.queue());
    this.indexes = new OpenIndexes(root, this::changed);
  }

  /**
   * The server's store with indexing: starts the indexer and returns the store that feeds it (closing
   * that store stops the indexer). With {@code enabled = false}, {@code store} itself.
   */
  public static MailStore serve(MailStore store, Search config) {
    if (!config.enabled()) {
      return store;
    }
    SearchIndexes s = new SearchIndexes(store, config);
    s.holdAccounts = true;
    s.worker = Thread.ofPlatform().daemon().name("search-indexer").start(s::run);
    s.catchUp();
    return new IndexedMailStore(store, s);
  }

  /** For tools ({@code postamt search reindex}): no indexer thread, rebuilds on the caller's. */
  public static SearchIndexes forTool(MailStore store, Search config) {
    return new SearchIndexes(store, config);
  }

  /** Whether accounts are held between syncs ({@link #serve} sets it; tests). */
  void holdAccounts(boolean on) {
    holdAccounts = on;
  }

  /** Whether the account of {@code user} is held open for its next sync (tests). */
  boolean holds(String user) {
    return accounts.holds(user);
  }

  /** The indexes an account was opened with, if its store keeps any. */
  public static Optional<SearchIndexes> of(Account a) {
    return SearchBackend.of(a).filter(SearchIndexes.class::isInstance).map(SearchIndexes.class::cast);
  }

  // ---- feeding ------------------------------------------------------------------------------------

  @Override
  public void attach(Account a) {
    boolean first = Owners.register(a, this);
    if (first) {
      String user = a.user();
      a.watch(() -> changed(user));
    }
    if (seen.add(a.user())) {
      changed(a.user());
    }
  }

  /** Notes that a user's mail changed; never blocks. */
  @Override
  public void changed(String address) {
    note(address, true);
  }

  @Override
  public void takenIn(String address) {
    note(address, false);
  }

  private void note(String address, boolean counts) {
    String user = address.toLowerCase(java.util.Locale.ROOT); // as the store keys accounts
    if (closed) {
      return;
    }
    pacing.changed(user, counts);
    if (!queued.add(user)) {
      return; // queued or held back (IndexPacing): the change is counted
    }
    if (!queue.offer(user)) {
      queued.remove(user);
      stale.add(user);
    }
  }

  private void catchUp() {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(p)) {
          seen.add(name);
          changed(name);
        }
      }
    } catch (NoSuchFileException e) {
      // no index yet
    } catch (IOException e) {
      log.warn("search: cannot list {}: {}", root, e.toString());
    }
  }

  private void run() {
    while (!closed) {
      String user;
      try {
        user = queue.poll(pacing.pollNanos(TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (user == STOP) {
        return;
      }
      working.incrementAndGet();
      try {
        boolean idle = user == null;
        if (user != null) {
          pacing.hold(user); // stays in "queued" while held: later changes only count
        }
        user = pacing.nextReady();
        if (user == null && idle) {
          user = nextStale();
        }
        if (user == null) {
          if (idle) {
            requestedRebuilds();
            indexes.publishOld(UserIndex.DEFER_NANOS);
            accounts.closeIdle(HeldAccounts.IDLE_NANOS);
          }
          continue;
        }
        queued.remove(user);
        pacing.taken(user);
        syncUser(user);
        indexes.evict();
      } catch (RuntimeException e) {
        log.error("search: indexer", e);
      } finally {
        working.decrementAndGet();
      }
    }
  }

  private String nextStale() {
    for (String u : stale) {
      stale.remove(u);
      return u;
    }
    return null;
  }

  boolean isClosed() {
    return closed;
  }

  /** Brings one user's index up to date; returns the messages added, -1 when it could not. */
  int syncUser(String user) {
    if (!store.exists(user)) {
      return 0;
    }
    OpenIndexes.Holder h = indexes.lease(user);
    if (h == null) {
      stale.add(user); // locked by another process: try again later
      return -1;
    }
    long t0 = System.nanoTime();
    Account a = null;
    boolean keep = false;
    try {
      a = holdAccounts ? accounts.take(user) : null;
      if (a == null) {
        a = store.open(user);
        a.quiet(true); // deliveries during the sync wait for the next one (HeldAccounts)
      }
      int n = h.index.sync(a, budget, () -> closed, pool);
      indexed.addAndGet(n);
      int documents = n > 0 ? h.index.documents() : 0; // read once, for the log line and the hold
      if (n > 0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.info("search: {}: {} messages indexed in {} ms, {} in the index", user, n, ms, documents);
      }
      // mail trickles in, or the account is large: hold it (see HeldAccounts)
      keep = holdAccounts && !closed && (n < UserIndex.DEFER_BELOW || documents >= holdLarge);
      return n;
    } catch (IOException | RuntimeException e) {
      if (OpenIndexes.isDamage(e)) {
        indexes.broken(user, h, e);
      } else {
        log.warn("search: {}: indexing failed: {}", user, e.toString());
        stale.add(user);
      }
      return -1;
    } finally {
      if (keep) {
        accounts.keep(user, a);
      } else if (a != null) {
        HeldAccounts.release(a);
      }
      indexes.release(h);
    }
  }

  /** {@code postamt search reindex} of a running server leaves a request file; the indexer acts on it. */
  private void requestedRebuilds() {
    Path dir = root.resolve(".reindex");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String user = p.getFileName().toString();
        Files.deleteIfExists(p);
        indexes.discard(user);
        changed(user);
      }
    } catch (IOException e) {
      log.warn("search: reindex requests: {}", e.toString());
    }
  }

  // ---- searching ------------------------------------------------------------------------------------

  /**
   * The index's answers to IMAP SEARCH string keys over one mailbox (see {@link SubstringAnswers});
   * {@link SubstringAnswers#NONE} when the index does not cover that mailbox at that UIDVALIDITY.
   */
  @Override
  public SubstringAnswers substrings(Account a, long mailboxId, long uidValidity, List<SubstringQuery> keys) {
    return answers.substrings(a, mailboxId, uidValidity, keys);
  }

  /** A JMAP text condition over the word fields ({@link IndexAnswers#words}). */
  @Override
  public Optional<WordMatches> words(Account a, String property, String text) {
    return answers.words(a, property, text);
  }

  static final int CATCH_UP_INLINE = 2000;
  static final long INLINE_WAIT_MILLIS = 10_000;

  // ---- administration --------------------------------------------------------------------------------

  /** Whether a user's index has caught up with every mailbox of the store (tests, status). */
  public boolean upToDate(String user) {
    OpenIndexes.Holder h = indexes.lease(user);
    if (h == null) {
      return false;
    }
    try (Account a = store.open(user)) {
      return h.index.behind(a).isEmpty();
    } finally {
      indexes.release(h);
    }
  }

  /** The outcome of a rebuild request. */
  public enum Rebuilt {
    DONE,
    QUEUED_FOR_SERVER
  }

  /**
   * Throws the user's index away and builds it again from the store, on the caller's thread; when the
   * running server holds the index, leaves it a request instead ({@link Rebuilt#QUEUED_FOR_SERVER}).
   */
  public Rebuilt rebuild(String user) throws IOException {
    Path dir = indexes.dirOf(user);
    try {
      UserIndex probe = UserIndex.open(user, dir);
      probe.abandon();
    } catch (LockObtainFailedException e) {
      Path req = root.resolve(".reindex");
      Files.createDirectories(req);
      Files.writeString(req.resolve(user), "");
      return Rebuilt.QUEUED_FOR_SERVER;
    } catch (IOException e) {
      if (!OpenIndexes.isDamage(e)) {
        throw e;
      }
    }
    indexes.discard(user);
    if (syncUser(user) < 0) {
      throw new IOException("the index of " + user + " could not be built (see the log)");
    }
    return Rebuilt.DONE;
  }

  /** The users that have an index. */
  public List<String> users() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (var s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  /** Messages added to indexes since start (metrics, bench). */
  public int indexedCount() {
    return indexed.get();
  }

  /**
   * Waits until the queue is empty, nothing is stale and every addition is published (tests, bench);
   * false on timeout.
   */
  public boolean awaitIdle(long millis) throws InterruptedException {
    return pacing.awaitIdle(millis, () -> {
      if (!indexes.underLock(() -> queue.isEmpty() && queued.isEmpty() && stale.isEmpty() && working.get() == 0)) {
        return false;
      }
      return indexes.publishOld(0);
    });
  }

  @Override
  public void close() {
    closed = true;
    if (worker != null) {
      // not interrupted: an interrupt would close Lucene's file channels under the writer. A full queue
      // refuses the offer, but then the indexer is not waiting and sees "closed" at its next turn.
      queue.offer(STOP);
      try {
        worker.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pool.shutdown();
    accounts.closeAll();
    indexes.closeAll();
  }
}
