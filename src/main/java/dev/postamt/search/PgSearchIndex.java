package dev.postamt.search;

import dev.postamt.config.Search;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.search.PgSearchTables.MailboxState;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full-text index of every user in PostgreSQL ({@link PgSearchTables}), shared by the nodes of one
 * database: a message is indexed once, by whichever node takes the user's claim first, and searched
 * from every node. Selected by {@code [search] backend} ({@link SearchBackend#serve}).
 *
 * <p>Feeding is as {@link SearchIndexes}'s: a change costs the notifier an {@code offer} into a bounded
 * queue of users; an overflowing user is marked stale and caught up later. A user's sync waits until its
 * changes pause ({@link IndexPacing}, as the Lucene indexer's): a sync costs the same fixed statements
 * (the claim, the shared state, the store's mailbox list) whatever it adds, and one per delivery cost about
 * four statements per message; the waiting users are kept in memory only, so after a restart the shared
 * state compared with the store finds whatever was not yet taken in. The indexer brings a user up
 * to the store under the user's claim, comparing the shared per-mailbox state with the store's, so a
 * node that finds another one at work leaves the user stale and looks again shortly (when the other node
 * is done, nothing is left to do). A node killed in the middle leaves a state at or behind the rows and
 * releases its claim with its connection; the next sync resumes.
 *
 * <p>Answers: IMAP substrings are exact ({@link PgDocument}); JMAP words match what the Lucene index
 * would, the query translated by {@link TsQueries}. Searching never throws: a failing database answers
 * nothing, and the scan decides.
 */
final class PgSearchIndex implements SearchBackend {
  private static final Logger log = LoggerFactory.getLogger(PgSearchIndex.class);
  private static final int BATCH = 64;
  /** Wakes the indexer to stop (compared by identity). */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String STOP = new String("stop");

  private final PgSearchTables tables;
  private final MailStore store;
  private final MessageDocument.Budget budget;
  private final BlockingQueue<String> queue;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Set<String> stale = ConcurrentHashMap.newKeySet();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger indexed = new AtomicInteger();
  private final AtomicInteger working = new AtomicInteger();
  private final IndexPacing pacing = new IndexPacing();
  private final ExecutorService pool = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().daemon().name("search-pg-parse-", 0).factory());
  private volatile boolean closed;
  private Thread worker;

  private PgSearchIndex(PgSearchTables tables, MailStore store, Search config) {
    this.tables = tables;
    this.store = store;
    this.budget = new MessageDocument.Budget(config.messageMax(), 4_000_000, config.attachmentTextMax());
    this.queue = new ArrayBlockingQueue<>(config.queue());
  }

  /** The index in {@code db} over {@code store}'s mail; its tables created or upgraded first. */
  static PgSearchIndex open(PgDatabase db, MailStore store, Search config) {
    return new PgSearchIndex(PgSearchTables.open(db), store, config);
  }

  /** Starts the indexer and queues every user the index knows (their mail may have changed meanwhile). */
  void start() {
    worker = Thread.ofPlatform().daemon().name("search-pg-indexer").start(this::run);
    try {
      for (String u : tables.users()) {
        seen.add(u);
        changed(u);
      }
    } catch (IOException e) {
      log.warn("search: cannot list the indexed users: {}", e.getMessage());
    }
  }

  // ---- feeding ------------------------------------------------------------------------------------

  @Override
  public void attach(Account a) {
    if (Owners.register(a, this)) {
      String user = a.user();
      a.watch(() -> changed(user));
    }
    if (seen.add(a.user())) {
      changed(a.user());
    }
  }

  @Override
  public void changed(String address) {
    note(address, true);
  }

  @Override
  public void takenIn(String address) {
    note(address, false);
  }

  private void note(String address, boolean counts) {
    String user = address.toLowerCase(Locale.ROOT);
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
          user = stale.stream().findFirst().orElse(null);
          if (user == null || !stale.remove(user)) {
            continue;
          }
        } else if (user == null) {
          continue;
        }
        queued.remove(user);
        pacing.taken(user);
        syncUser(user, 0);
      } catch (RuntimeException e) {
        log.error("search: indexer", e);
      } finally {
        working.decrementAndGet();
      }
    }
  }

  /**
   * Brings one user's index up to date under the user's claim, waiting for it up to {@code waitMillis};
   * the messages added, -1 when it could not (then the user is stale).
   */
  int syncUser(String user, long waitMillis) {
    if (!store.exists(user)) {
      return 0;
    }
    long t0 = System.nanoTime();
    try (PgSearchTables.Claim claim = tables.claim(user, waitMillis)) {
      if (claim == null) {
        stale.add(user); // another node (or thread) is at it: look again when it is done
        return -1;
      }
      int n;
      try (Account a = store.open(user)) {
        n = sync(claim, a);
      }
      indexed.addAndGet(n);
      if (n > 0) {
        log.info("search: {}: {} messages indexed in {} ms", user, n, (System.nanoTime() - t0) / 1_000_000);
      }
      return n;
    } catch (IOException | RuntimeException e) {
      log.warn("search: {}: indexing failed: {}", user, e.toString());
      if (!closed) {
        stale.add(user);
      }
      return -1;
    }
  }

  /**
   * New messages added, expunged ones and deleted mailboxes removed; each batch is committed with the
   * state it reaches, so the sync is restartable at any point and redoing a step changes nothing.
   */
  private int sync(PgSearchTables.Claim claim, Account a) throws IOException {
    Map<Long, MailboxState> state = claim.state();
    Set<Long> present = new HashSet<>();
    int added = 0;
    for (MailboxInfo m0 : a.mailboxes()) {
      present.add(m0.id());
      MailboxState s = state.get(m0.id());
      if (same(s, m0)) {
        continue;
      }
      Account.Snapshot snap;
      try {
        boolean known = s != null && s.uidValidity() == m0.uidValidity();
        snap = MailboxReads.since(a, m0.id(), known ? s.uidValidity() : 0, known ? s.highestModseq() : 0);
      } catch (RuntimeException gone) {
        continue; // deleted meanwhile: forgotten at the next sync
      }
      MailboxInfo m = snap.info();
      long[] gone = new long[0];
      if (s == null || s.uidValidity() != m.uidValidity()) {
        s = new MailboxState(m.uidValidity(), 0, 0);
      } else {
        gone = expunged(claim, a, m, s, () -> a.snapshot(m.id()).messages());
      }
      List<MessageRecord> toAdd = new ArrayList<>();
      for (MessageRecord r : snap.messages()) {
        if (r.uid() >= s.uidNext()) {
          toAdd.add(r);
        }
      }
      for (int from = 0; from < toAdd.size(); from += BATCH) {
        if (closed) {
          return added;
        }
        List<MessageRecord> batch = toAdd.subList(from, Math.min(toAdd.size(), from + BATCH));
        Map<Long, PgDocument> docs = documents(a, m, batch);
        claim.write(m.id(), m.uidValidity(), gone,
            docs, new MailboxState(m.uidValidity(), batch.getLast().uid() + 1, s.highestModseq()));
        gone = new long[0];
        added += batch.size();
      }
      claim.write(m.id(), m.uidValidity(), gone, Map.of(),
          new MailboxState(m.uidValidity(), m.uidNext(), m.highestModseq()));
    }
    for (Long id : state.keySet()) {
      if (!present.contains(id)) {
        claim.write(id, 0, new long[0], Map.of(), null);
      }
    }
    return added;
  }

  private static boolean same(MailboxState s, MailboxInfo m) {
    return s != null && s.uidValidity() == m.uidValidity() && s.uidNext() == m.uidNext()
        && s.highestModseq() == m.highestModseq();
  }

  /** Expunged since the state: from the store's expunge history, or by comparing UIDs when it is gone. */
  private static long[] expunged(PgSearchTables.Claim claim, Account a, MailboxInfo m, MailboxState s,
      java.util.function.Supplier<List<MessageRecord>> now) throws IOException {
    Optional<List<Long>> gone = a.expungedSince(m.id(), s.highestModseq());
    if (gone.isPresent()) {
      return gone.get().stream().mapToLong(Long::longValue).filter(u -> u < s.uidNext()).toArray();
    }
    Set<Long> keep = new HashSet<>();
    for (MessageRecord r : now.get()) {
      keep.add(r.uid());
    }
    return Arrays.stream(claim.uids(m.id(), m.uidValidity())).filter(u -> !keep.contains(u)).toArray();
  }

  /** Reads and parses a batch on the pool's threads (parsing is most of the cost). */
  private Map<Long, PgDocument> documents(Account a, MailboxInfo m, List<MessageRecord> batch) throws IOException {
    List<Callable<PgDocument>> work = new ArrayList<>();
    for (MessageRecord r : batch) {
      work.add(() -> document(a, m, r));
    }
    Map<Long, PgDocument> out = new LinkedHashMap<>();
    try {
      List<Future<PgDocument>> done = pool.invokeAll(work);
      for (int i = 0; i < batch.size(); i++) {
        out.put(batch.get(i).uid(), done.get(i).get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    return out;
  }

  /** A message's row; a message that cannot be read or parsed is indexed as "read it". */
  private PgDocument document(Account a, MailboxInfo m, MessageRecord r) {
    if (r.size() > budget.messageBytes()) {
      return PgDocument.unread();
    }
    try {
      Optional<MessageContent> c = ScopedValue.where(dev.postamt.store.MessageResolver.UNATTENDED, true)
          .call(() -> a.open(m, r));
      if (c.isEmpty()) {
        return PgDocument.unread(); // expunged meanwhile; the next sync removes the row
      }
      byte[] bytes;
      try (MessageContent content = c.get()) {
        bytes = content.readAllBytes();
      }
      return PgDocument.of(bytes, budget);
    } catch (IOException | RuntimeException e) {
      log.warn("search: {}: cannot index {} UID {}: {}", a.user(), m.name(), r.uid(), e.toString());
      return PgDocument.unread();
    }
  }

  // ---- searching ------------------------------------------------------------------------------------

  @Override
  public SubstringAnswers substrings(Account a, long mailboxId, long uidValidity, List<SubstringQuery> keys) {
    List<SubstringQuery> usable = keys.stream().filter(PgDocument::searchable).distinct().toList();
    if (usable.isEmpty() || closed) {
      return SubstringAnswers.NONE;
    }
    String user = a.user().toLowerCase(Locale.ROOT);
    pacing.urgent(user); // what the index lacks is read: let it catch up
    Map<SubstringQuery, List<String>> columns = new LinkedHashMap<>();
    for (SubstringQuery q : usable) {
      columns.put(q, switch (q.target()) {
        case HEADER -> List.of("h_" + q.field());
        case BODY -> List.of("body");
        case TEXT -> List.of("h_lines", "body");
      });
    }
    try {
      PgSearchTables.MailboxRows r = tables.substrings(user, mailboxId, uidValidity, columns);
      if (r == null) {
        changed(user);
        return SubstringAnswers.NONE;
      }
      return new SubstringAnswers(r.hits(), java.util.Map.of(), known(r.rows(), MessageDocument.HEADERS_PARTIAL),
          known(r.rows(), MessageDocument.BODY_PARTIAL));
    } catch (IOException | RuntimeException e) {
      log.warn("search: {}: search failed, scanning instead: {}", user, e.toString());
      return SubstringAnswers.NONE;
    }
  }

  /** The UIDs of {@code rows} without any of {@code partialBits}, sorted. */
  private static long[] known(long[][] rows, int partialBits) {
    long[] out = new long[rows[0].length];
    int n = 0;
    for (int i = 0; i < rows[0].length; i++) {
      if ((rows[1][i] & partialBits) == 0) {
        out[n++] = rows[0][i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  @Override
  public Optional<WordMatches> words(Account a, String property, String text) {
    Optional<TsQueries.TsQuery> q = TsQueries.of(WordQuery.parse(property, text));
    if (closed || q.isEmpty()) {
      return Optional.empty();
    }
    String user = a.user().toLowerCase(Locale.ROOT);
    try {
      catchUpNow(a, user);
      Map<Long, Long> uidValidity = new HashMap<>();
      for (MailboxInfo m : a.mailboxes()) {
        uidValidity.put(m.id(), m.uidValidity());
      }
      PgSearchTables.WordRows w = tables.words(user, q.get().text());
      int unknown = PgDocument.WORDS_PARTIAL | (q.get().phrase() ? PgDocument.PHRASES_PARTIAL : 0);
      Map<Long, List<Long>> known = new HashMap<>();
      for (long[] r : w.rows()) {
        if ((r[2] & unknown) == 0 && uidValidity.getOrDefault(r[0], -1L) == r[3]) {
          known.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
        }
      }
      Map<Long, List<Long>> hits = new HashMap<>();
      for (long[] r : w.hits()) {
        if (uidValidity.getOrDefault(r[0], -1L) == r[2]) {
          hits.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
        }
      }
      Map<Long, long[]> k = new HashMap<>();
      Map<Long, long[]> h = new HashMap<>();
      known.forEach((id, uids) -> {
        k.put(id, sorted(uids));
        h.put(id, sorted(hits.getOrDefault(id, List.of())));
      });
      return Optional.of(new WordMatches(h, k));
    } catch (IOException | RuntimeException e) {
      log.warn("search: {}: search failed, scanning instead: {}", user, e.toString());
      return Optional.empty();
    }
  }

  private static long[] sorted(List<Long> uids) {
    long[] r = uids.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(r);
    return r;
  }

  /**
   * As {@link SearchIndexes}: word answers differ from the scan's substrings, so a small lag is caught
   * up on the caller's thread first (waiting a while for a node that is at it), a large one left to the
   * scan.
   */
  private void catchUpNow(Account a, String user) throws IOException {
    Map<Long, MailboxState> state = tables.state(user);
    long missing = 0;
    boolean behind = false;
    for (MailboxInfo m : a.mailboxes()) {
      MailboxState s = state.get(m.id());
      if (!same(s, m)) {
        behind = true;
        missing += s == null || s.uidValidity() != m.uidValidity() ? m.uidNext() : Math.max(0, m.uidNext() - s.uidNext());
      }
    }
    if (behind && missing <= SearchIndexes.CATCH_UP_INLINE) {
      int n = syncUser(user, SearchIndexes.INLINE_WAIT_MILLIS);
      if (n >= 0) {
        stale.remove(user);
      }
    }
  }

  // ---- administration --------------------------------------------------------------------------------

  @Override
  public boolean upToDate(String user) {
    try (Account a = store.open(user)) {
      Map<Long, MailboxState> state = tables.state(user.toLowerCase(Locale.ROOT));
      return a.mailboxes().stream().allMatch(m -> same(state.get(m.id()), m));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Throws the user's rows away and indexes the store again, on the caller's thread (any node may). */
  @Override
  public SearchIndexes.Rebuilt rebuild(String user) throws IOException {
    String u = user.toLowerCase(Locale.ROOT);
    try (PgSearchTables.Claim claim = tables.claim(u, SearchIndexes.INLINE_WAIT_MILLIS * 6)) {
      if (claim == null) {
        throw new IOException("the index of " + u + " is being written by another node for over a minute; try again");
      }
      claim.forget();
      if (store.exists(u)) {
        try (Account a = store.open(u)) {
          indexed.addAndGet(sync(claim, a));
        }
      }
    }
    return SearchIndexes.Rebuilt.DONE;
  }

  @Override
  public List<String> users() throws IOException {
    return tables.users();
  }

  @Override
  public int indexedCount() {
    return indexed.get();
  }

  @Override
  public boolean awaitIdle(long millis) throws InterruptedException {
    return pacing.awaitIdle(millis, () -> queue.isEmpty() && queued.isEmpty() && stale.isEmpty() && working.get() == 0);
  }

  @Override
  public void close() {
    closed = true;
    if (worker != null) {
      queue.offer(STOP);
      try {
        worker.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pool.shutdown();
  }
}
