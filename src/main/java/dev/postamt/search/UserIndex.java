package dev.postamt.search;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NIOFSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index of one user ({@code data_dir/search/<address>/}), and how far it has caught up with
 * the store: per mailbox the UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ it has taken in, kept in the commit's
 * user data so that a restart knows what it lacks ({@link #sync}). Searches run on a near-real-time
 * reader published together with that state ({@link IndexView}).
 *
 * <p>One writer per index and process (Lucene's write lock); {@link #sync} is called by one thread at a
 * time (the indexer's), searches by any number.
 */
final class UserIndex implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(UserIndex.class);
  private static final int PUBLISH_EVERY = 2000;
  private static final int COMMIT_EVERY = 20_000;
  private static final int BATCH = 256;
  /** Commit data key: {@link #replacing} was set when the commit was made. */
  private static final String REPLACING = "replacing";
  /** Commit data key: how the documents were written ({@link #FORMAT}). */
  static final String FORMAT_KEY = "format";
  /**
   * The documents' form: "runs" since the body was indexed as {@link Runs} (2026-12-06), "header-runs"
   * since the header lines are too ({@link MessageDocument#HEADER_RUNS}, 2026-12-07), "stem-sets" since
   * the stem fields keep neither positions nor norms and the word fields no norms (2026-12-07: Lucene
   * refuses to change a field's index options). An index of another form holds fields the queries no
   * longer read: it is emptied and rebuilt from the store when opened (searches are answered by reading
   * the messages meanwhile).
   */
  static final String FORMAT = "stem-sets";
  /**
   * The writer's buffer of documents not yet flushed, per user index. Deliveries publish (flush) after
   * every sync, so the buffer fills only during a long catch-up or rebuild ({@link #PUBLISH_EVERY}
   * messages between flushes), where it bounds the heap each open index may take; it was 64 MB per
   * index. 16 MB is Lucene's own default.
   */
  static final double RAM_BUFFER_MB = 16;
  /**
   * A sync that only added messages, fewer than this many since the last publish, leaves them in the
   * writer's buffer unpublished ({@link #publishPending}): a segment flushed, committed, reopened and
   * later merged per message cost a lone delivery many times its share of a batch (docs/search.md).
   */
  static final int DEFER_BELOW = 32;
  /**
   * ... and while the writer's buffer holds less than this (a 100 KB message of prose takes about 0.1 MB
   * there, one of 4 KB about 0.02 MB), so that open indexes hold little heap for what waits.
   */
  static final long DEFER_RAM_BYTES = 1 << 20;
  /** Unpublished additions older than this are published by the idle indexer ({@link #publishIfOlder}). */
  static final long DEFER_NANOS = 30_000_000_000L;
  /** A sync adding more messages than this to a mailbox adds them on {@link #THREADS} threads. */
  static final int PARALLEL_ABOVE = 2 * IndexPacing.MAX_BACKLOG;
  /** Threads that parse and add new messages during a catch-up. */
  static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /** How far a mailbox has been taken in. */
  record MailboxState(long uidValidity, long uidNext, long highestModseq) {
    String encode() {
      return uidValidity + ":" + uidNext + ":" + highestModseq;
    }

    static MailboxState decode(String s) {
      String[] p = s.split(":");
      return new MailboxState(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
    }
  }

  final String user;
  final Path dir;
  private final FSDirectory directory;
  private final IndexWriter writer;
  /** Written by {@link #sync} only (under its lock), read by anyone. */
  private final Map<Long, MailboxState> state = new ConcurrentHashMap<>();
  private volatile IndexView current;
  private final java.util.concurrent.locks.ReentrantLock syncLock = new java.util.concurrent.locks.ReentrantLock();
  private int sinceCommit;
  /** Messages added but not yet published (in the writer's buffer; the published IndexView lacks them). */
  private volatile int unpublished;
  /** When the oldest of {@link #unpublished} was added ({@link System#nanoTime}). */
  private long unpublishedSince;
  /** A search read what the index lacks: the next sync publishes, whatever it adds. */
  private volatile boolean wanted;
  /**
   * A sync failed part-way: documents of UIDs at or past the state's UIDNEXT may be in the writer, so the
   * next sync replaces documents ({@code updateDocument}, a delete by the key per message) instead of
   * adding them. Otherwise a UID at or past UIDNEXT has no document: documents and the state are
   * committed together and the state only moves past what was added, so a new message is just added,
   * without a delete by its key that Lucene would look up in every segment at the next flush.
   */
  private volatile boolean replacing;

  private UserIndex(String user, Path dir, FSDirectory directory, IndexWriter writer, Map<Long, MailboxState> state)
      throws IOException {
    this.user = user;
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.state.putAll(state);
    this.current = new IndexView(DirectoryReader.open(writer), state);
  }

  /**
   * Opens (or creates) the index in {@code dir}. A damaged index fails here with Lucene's {@code
   * CorruptIndexException}, {@code IndexFormatTooOldException} or a missing-file error, which {@link
   * SearchIndexes} answers by moving it aside and rebuilding.
   */
  static UserIndex open(String user, Path dir) throws IOException {
    Files.createDirectories(dir);
    // Read with positional reads, not memory-mapped (FSDirectory.open's choice): a merge reads whole
    // segments, and every page of a mapped file it touched counted in the process's memory until the
    // segment was deleted, 17-48 MB under the SMTP load (bench/README.md, 2026-12-05 20:23-20:49); read
    // this way they stay in the kernel's page cache, which holds them either way, and the index threads'
    // CPU was the same. An interrupt during such a read closes the file's channel for every reader of
    // the index: nothing interrupts the indexer (SearchIndexes.close stops it without one) or a session
    // that searches, and a search that meets a closed file anyway is answered by the scan and the index
    // opened again (OpenIndexes.reopenLater).
    FSDirectory directory = new NIOFSDirectory(dir);
    IndexWriter writer = null;
    try {
      Map<Long, MailboxState> state = new HashMap<>();
      boolean replacing = false;
      boolean older = false;
      if (DirectoryReader.indexExists(directory)) {
        SegmentInfos infos = SegmentInfos.readLatestCommit(directory);
        older = !FORMAT.equals(infos.getUserData().get(FORMAT_KEY));
        for (var e : infos.getUserData().entrySet()) {
          if (e.getKey().startsWith("mb.") && !older) {
            state.put(Long.parseLong(e.getKey().substring(3)), MailboxState.decode(e.getValue()));
          }
        }
        replacing = infos.getUserData().containsKey(REPLACING) && !older;
      }
      writer = new IndexWriter(directory, writerConfig());
      if (older) {
        log.info("search: {}: the index was written by an older version; rebuilding it", user);
        writer.deleteAll();
        writer.setLiveCommitData(Map.of(FORMAT_KEY, FORMAT).entrySet());
        writer.commit();
      }
      UserIndex ix = new UserIndex(user, dir, directory, writer, state);
      ix.replacing = replacing;
      checkReadable(ix.current.reader);
      return ix;
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        try {
          writer.rollback();
        } catch (IOException | RuntimeException ignored) {
          // already failing
        }
      }
      directory.close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
  }

  /** The writer's settings. */
  static IndexWriterConfig writerConfig() {
    IndexWriterConfig cfg = new IndexWriterConfig(Analyzers.perField());
    cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    cfg.setRAMBufferSizeMB(RAM_BUFFER_MB);
    cfg.setCommitOnClose(false);
    // Lucene's merge policy as it is: 16 segments per tier merged 16 at once cost a third of the merges'
    // CPU but left more segments after a rebuild, and searches were slower (bench/README.md, 2026-12-05
    // 18:42–18:52)
    return cfg;
  }

  /** Touches every segment's doc values so that truncated or missing files show at open, not mid-search. */
  private static void checkReadable(DirectoryReader r) throws IOException {
    for (LeafReaderContext leaf : r.leaves()) {
      leaf.reader().checkIntegrity();
    }
  }

  /** The reader searches use now; {@link IndexView#reader} must be {@code incRef}'d by the caller. */
  IndexView acquire() {
    while (true) {
      IndexView v = current;
      if (v.reader.tryIncRef()) {
        return v;
      }
    }
  }

  void release(IndexView v) throws IOException {
    v.reader.decRef();
  }

  /** The mailboxes whose state differs from the store's (none: the index is up to date). */
  List<MailboxInfo> behind(Account a) {
    List<MailboxInfo> out = new ArrayList<>();
    for (MailboxInfo m : a.mailboxes()) {
      MailboxState s = state.get(m.id());
      if (s == null || s.uidValidity() != m.uidValidity() || s.uidNext() != m.uidNext()
          || s.highestModseq() != m.highestModseq()) {
        out.add(m);
      }
    }
    return out;
  }

  /** At most how many messages of {@code m} the index lacks (UIDs it has not reached). */
  long missing(MailboxInfo m) {
    MailboxState s = state.get(m.id());
    return s == null || s.uidValidity() != m.uidValidity() ? m.uidNext() : Math.max(0, m.uidNext() - s.uidNext());
  }

  /**
   * Brings the index up to the account: new messages added, flag changes applied, expunged messages
   * and deleted mailboxes removed. Idempotent and restartable: a crash at any point leaves a committed
   * state at or behind the documents, and redoing a step changes nothing. Returns the messages added.
   */
  int sync(Account a, MessageDocument.Budget budget, java.util.function.BooleanSupplier stop, ExecutorService pool)
      throws IOException {
    return syncWithin(a, budget, stop, pool, Long.MAX_VALUE);
  }

  /**
   * {@link #sync}, unless another thread is syncing for longer than {@code waitMillis}: then -1 (the
   * caller does not wait behind a long catch-up).
   */
  int syncWithin(Account a, MessageDocument.Budget budget, java.util.function.BooleanSupplier stop,
      ExecutorService pool, long waitMillis) throws IOException {
    try {
      if (!syncLock.tryLock(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return -1;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
    boolean done = false;
    try {
      int n = syncLocked(a, budget, stop, pool);
      done = true;
      return n;
    } finally {
      if (!done) {
        replacing = true; // what this sync added may be in the writer beyond the state: replace it next time
      }
      syncLock.unlock();
    }
  }

  private int syncLocked(Account a, MessageDocument.Budget budget, java.util.function.BooleanSupplier stop,
      ExecutorService pool) throws IOException {
    int added = 0;
    Set<Long> present = new HashSet<>();
    boolean changed = false;
    boolean onlyAdded = true; // nothing removed: a sync whose publishing may wait
    boolean removed = false; // documents deleted (an expunge, a mailbox gone or renumbered)
    boolean wasReplacing = replacing;
    for (MailboxInfo m0 : a.mailboxes()) {
      present.add(m0.id());
      MailboxState s = state.get(m0.id());
      if (s != null && s.uidValidity() == m0.uidValidity() && s.uidNext() == m0.uidNext()
          && s.highestModseq() == m0.highestModseq()) {
        continue;
      }
      Account.Snapshot snap;
      try {
        boolean known = s != null && s.uidValidity() == m0.uidValidity();
        snap = MailboxReads.since(a, m0.id(), known ? s.uidValidity() : 0, known ? s.highestModseq() : 0);
      } catch (RuntimeException gone) {
        continue; // deleted meanwhile: forgotten below at the next sync
      }
      MailboxInfo m = snap.info();
      changed = true;
      if (s == null || s.uidValidity() != m.uidValidity()) {
        writer.deleteDocuments(MessageDocument.mailboxTerm(m.id()));
        s = new MailboxState(m.uidValidity(), 0, 0);
        onlyAdded = false;
        removed = true;
      } else if (removeExpunged(a, m, s, () -> a.snapshot(m.id()).messages())) {
        onlyAdded = false;
        removed = true;
      }
      // rows below the state's UIDNEXT changed only their flags, which the index does not hold
      List<MessageRecord> fresh = new ArrayList<>();
      for (MessageRecord r : snap.messages()) {
        if (r.uid() >= s.uidNext()) {
          fresh.add(r);
        }
      }
      int sincePublish = 0;
      // A burst's sync adds on this thread alone: documents added from two threads at once go into two
      // segments, each flushed, opened and merged on its own, for no CPU saved (the SMTP sessions want
      // the other core). A catch-up or rebuild parses on the pool's threads as well, for time.
      ExecutorService adders = fresh.size() > PARALLEL_ABOVE ? pool : null;
      for (int from = 0; from < fresh.size(); from += BATCH) {
        if (stop.getAsBoolean()) {
          state.put(m.id(), new MailboxState(m.uidValidity(), fresh.get(from).uid(), s.highestModseq()));
          publish(true);
          return added;
        }
        List<MessageRecord> batch = fresh.subList(from, Math.min(fresh.size(), from + BATCH));
        add(a, m, batch, budget, adders);
        added += batch.size();
        sincePublish += batch.size();
        if (sincePublish >= PUBLISH_EVERY) {
          // a long catch-up shows its progress: searches use what is done, and a restart resumes here
          state.put(m.id(), new MailboxState(m.uidValidity(), batch.getLast().uid() + 1, s.highestModseq()));
          sinceCommit += sincePublish;
          sincePublish = 0;
          publish(sinceCommit >= COMMIT_EVERY);
        }
      }
      state.put(m.id(), new MailboxState(m.uidValidity(), m.uidNext(), m.highestModseq()));
    }
    for (Long id : new ArrayList<>(state.keySet())) {
      if (!present.contains(id)) {
        writer.deleteDocuments(MessageDocument.mailboxTerm(id));
        state.remove(id);
        changed = true;
        onlyAdded = false;
        removed = true;
      }
    }
    if (wasReplacing) {
      replacing = false; // every UID up to the state's UIDNEXT was added by this sync as a replacement
    }
    if (changed && (added > 0 || removed)) {
      sinceCommit += added + 1;
      if (added > 0 && onlyAdded && !wanted && unpublished + added < DEFER_BELOW
          && writer.ramBytesUsed() < DEFER_RAM_BYTES) {
        if (unpublished == 0) {
          unpublishedSince = System.nanoTime();
        }
        unpublished += added; // kept in the writer's buffer: searches read these messages meanwhile
      } else {
        publish(true);
      }
    } else if (unpublished > 0 && wanted) {
      publish(true);
    }
    // else nothing in the index changed (flags, or nothing at all): the state moved in memory only, and
    // is committed with the next publish or at close (a crash before that makes the next sync read the
    // same changed rows again, and change nothing again)
    wanted = false;
    return added;
  }

  /**
   * Asks the next sync to publish what it adds and what waits unpublished: a search found the index
   * lacking (IMAP reads those messages meanwhile; JMAP syncs before it searches).
   */
  void want() {
    wanted = true;
  }

  /** Publishes (and commits) additions kept unpublished; false when a sync holds the index. */
  boolean publishPending() throws IOException {
    return publishIfOlder(0);
  }

  /** {@link #publishPending} when the oldest unpublished addition is at least {@code nanos} old. */
  boolean publishIfOlder(long nanos) throws IOException {
    if (!syncLock.tryLock()) {
      return false;
    }
    try {
      if (unpublished > 0 && System.nanoTime() - unpublishedSince >= nanos) {
        publish(true);
      }
      return true;
    } finally {
      syncLock.unlock();
    }
  }

  /** Whether additions wait unpublished (tests, the idle indexer). */
  boolean hasUnpublished() {
    return unpublished > 0;
  }

  /**
   * Reads, parses and adds {@code batch} on the pool's threads (IndexWriter takes documents from several
   * threads at once; parsing and analysis are most of the cost), in as many slices as the pool has.
   */
  private void add(Account a, MailboxInfo m, List<MessageRecord> batch, MessageDocument.Budget budget,
      ExecutorService pool) throws IOException {
    boolean replace = replacing;
    int slices = pool == null ? 1 : Math.min(THREADS, batch.size());
    List<Callable<Void>> work = new ArrayList<>();
    for (int k = 0; k < slices; k++) {
      int first = k;
      work.add(() -> {
        var scratch = new MessageDocument.Scratch(); // this slice's: each document is added before the next is built
        for (int i = first; i < batch.size(); i += slices) {
          MessageRecord r = batch.get(i);
          var doc = MessageDocument.build(m.id(), r, read(a, m, r, budget), budget, scratch);
          if (replace) {
            writer.updateDocument(MessageDocument.keyTerm(m.id(), r.uid()), doc);
          } else {
            writer.addDocument(doc); // a UID at or past the state's UIDNEXT: no document of it can exist
          }
        }
        return null;
      });
    }
    if (slices == 1) {
      try {
        work.getFirst().call();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
      return;
    }
    try {
      for (Future<Void> f : pool.invokeAll(work)) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Expunges since the state: from the store's expunge history, or by comparing UIDs when it is gone. */
  /** {@code now}: the mailbox's whole list, read only when the store's expunge history does not reach back. */
  /** Returns whether it removed documents (or may have). */
  private boolean removeExpunged(Account a, MailboxInfo m, MailboxState s,
      java.util.function.Supplier<List<MessageRecord>> now) throws IOException {
    Optional<List<Long>> gone = a.expungedSince(m.id(), s.highestModseq());
    if (gone.isPresent()) {
      boolean removed = false;
      for (long uid : gone.get()) {
        if (uid < s.uidNext()) {
          writer.deleteDocuments(MessageDocument.keyTerm(m.id(), uid));
          removed = true;
        }
      }
      return removed;
    }
    Set<Long> keep = new HashSet<>();
    for (MessageRecord r : now.get()) {
      keep.add(r.uid());
    }
    if (unpublished > 0) {
      publish(false); // the documents are compared with the store's UIDs through a reader: it must hold them all
    }
    IndexView v = acquire();
    try {
      for (long uid : v.uids(new TermQuery(MessageDocument.mailboxTerm(m.id())), 0)) {
        if (!keep.contains(uid)) {
          writer.deleteDocuments(MessageDocument.keyTerm(m.id(), uid));
        }
      }
    } finally {
      release(v);
    }
    return true;
  }

  private static byte[] read(Account a, MailboxInfo m, MessageRecord r, MessageDocument.Budget budget) {
    if (r.size() > budget.messageBytes()) {
      return null;
    }
    try {
      // an IM2000 stub is not pulled for the index (MessageResolver): it is left to be read at search time
      Optional<MessageContent> c = ScopedValue.where(dev.postamt.store.MessageResolver.UNATTENDED, true).call(() -> a.open(m, r));
      if (c.isEmpty()) {
        return null; // expunged meanwhile; the next sync removes the document
      }
      try (MessageContent content = c.get()) {
        return content.readAllBytes();
      }
    } catch (IOException | RuntimeException e) {
      log.warn("search: {}: cannot read {} UID {}: {}", a.user(), m.name(), r.uid(), e.toString());
      return null;
    }
  }

  /** The state as the commit's user data, and whether a failed sync left documents past it ({@link #replacing}). */
  private Map<String, String> commitData() {
    Map<String, String> data = new HashMap<>();
    data.put(FORMAT_KEY, FORMAT);
    state.forEach((id, s) -> data.put("mb." + id, s.encode()));
    if (replacing) {
      data.put(REPLACING, "1");
    }
    return data;
  }

  /** Makes the changes visible to searches together with the state, and durable when {@code commit}. */
  private void publish(boolean commit) throws IOException {
    if (commit) {
      Map<String, String> data = commitData();
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
      sinceCommit = 0;
    }
    unpublished = 0;
    IndexView old = current;
    DirectoryReader r = DirectoryReader.openIfChanged(old.reader, writer);
    current = new IndexView(r == null ? cloneRef(old.reader) : r, state);
    old.reader.decRef();
  }

  private static DirectoryReader cloneRef(DirectoryReader r) {
    r.incRef();
    return r;
  }

  /** For a search over several mailboxes: the query, limited to those mailboxes. */
  static Query inMailboxes(Query q, Set<Long> mailboxIds) {
    BooleanQuery.Builder boxes = new BooleanQuery.Builder();
    for (long id : mailboxIds) {
      boxes.add(new TermQuery(MessageDocument.mailboxTerm(id)), BooleanClause.Occur.SHOULD);
    }
    return new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
        .add(boxes.build(), BooleanClause.Occur.FILTER).build();
  }

  /** Messages indexed so far (tests, logs, whether to hold the account: {@link HeldAccounts#LARGE}). */
  int documents() {
    IndexView v = acquire();
    try {
      return v.reader.numDocs();
    } finally {
      try {
        release(v);
      } catch (IOException ignored) {
        // reader closed meanwhile
      }
    }
  }

  @Override
  public void close() throws IOException {
    syncLock.lock();
    try {
      if (writer.isOpen()) {
        Map<String, String> data = commitData();
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
      }
    } finally {
      try {
        current.reader.decRef();
      } finally {
        try {
          writer.close();
          directory.close();
        } finally {
          syncLock.unlock();
        }
      }
    }
  }

  /** Closes without committing (the index is being thrown away). */
  void abandon() {
    try {
      writer.rollback();
    } catch (IOException | RuntimeException e) {
      log.debug("search: {}: rollback: {}", user, e.toString());
    }
    try {
      current.reader.decRef();
    } catch (IOException | RuntimeException e) {
      log.debug("search: {}: reader: {}", user, e.toString());
    }
    try {
      directory.close();
    } catch (IOException e) {
      log.debug("search: {}: directory: {}", user, e.toString());
    }
  }
}
