package dev.postamt.search;

import dev.postamt.config.Database;
import dev.postamt.config.Search;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The full-text index as the rest of the server sees it: fed by the store's changes ({@link
 * IndexedMailStore}), asked by IMAP SEARCH ({@link #substrings}), JMAP ({@link #words}) and {@code
 * postamt search reindex} ({@link #rebuild}). Two implementations, chosen by {@code [search] backend}
 * ({@link #serve}): {@link SearchIndexes}, one Lucene index per user under {@code data_dir/search} on each
 * node (the default, and the only one with SQLite), and {@link PgSearchIndex}, one index of every user in
 * the {@code [database]}, shared by the nodes so that each message is indexed once.
 *
 * <p>Both keep the package's promise: per message a definite yes or no only where the index holds it,
 * else "read it"; a lagging index makes searches slower, never different. {@code SearchBackendContract}
 * in the tests is what both pass.
 */
public interface SearchBackend extends AutoCloseable {

  /**
   * The server's store with indexing in the backend {@code search} and {@code database} select: starts the
   * indexer and returns the store that feeds it (closing that store stops the indexer). With {@code
   * enabled = false}, {@code store} itself.
   */
  static MailStore serve(MailStore store, Search search, Database database) {
    if (!search.enabled()) {
      return store;
    }
    if (!search.inPostgres(database.postgres().isPresent())) {
      return SearchIndexes.serve(store, search);
    }
    PgSearchIndex ix = PgSearchIndex.open(PgDatabase.of(database), store, search);
    ix.start();
    return new IndexedMailStore(store, ix);
  }

  /** For tools ({@code postamt search reindex}): no indexer thread; rebuilds on the caller's. */
  static SearchBackend forTool(MailStore store, Search search, Database database) {
    if (!search.inPostgres(database.postgres().isPresent())) {
      return SearchIndexes.forTool(store, search);
    }
    return PgSearchIndex.open(PgDatabase.of(database), store, search);
  }

  /** The index an account was opened with, if its store keeps one. */
  static Optional<SearchBackend> of(Account a) {
    return Optional.ofNullable(Owners.OF.get(a));
  }

  /** Which index each open account belongs to (weakly: an account that is gone is forgotten). */
  final class Owners {
    private Owners() {}

    static final Map<Account, SearchBackend> OF = Collections.synchronizedMap(new WeakHashMap<>());

    /** Records that {@code a} feeds {@code ix}; true the first time. */
    static boolean register(Account a, SearchBackend ix) {
      synchronized (OF) {
        return OF.putIfAbsent(a, ix) == null;
      }
    }
  }

  // ---- fed by the indexing store (IndexedMailStore) ---------------------------------------------------

  /** An account the store opened: its changes are watched, and a first sight queues the user. */
  void attach(Account a);

  /** Notes that a user's mail changed; never blocks. */
  void changed(String address);

  /**
   * Notes that new mail of a user was taken in, whose delivery {@link #changed} already noted: the user is
   * queued as by {@link #changed}, but the delivery is not counted twice (see {@link IndexPacing}).
   */
  void takenIn(String address);

  // ---- asked by the protocols ------------------------------------------------------------------------

  /**
   * The index's answers to IMAP SEARCH string keys over one mailbox (see {@link SubstringAnswers});
   * {@link SubstringAnswers#NONE} when the index does not cover that mailbox at that UIDVALIDITY. Never
   * throws: a failing index answers nothing.
   */
  SubstringAnswers substrings(Account a, long mailboxId, long uidValidity, List<SubstringQuery> keys);

  /**
   * A JMAP text condition ({@code text}, {@code body}, {@code subject}, {@code from}, {@code to}, {@code
   * cc}, {@code bcc}) over the word fields ({@link WordQuery}); empty when the index cannot answer (then
   * every message is read), and the answer says "unknown" for messages it lacks.
   *
   * @throws IllegalArgumentException the text has no words to look for, or is too long
   */
  Optional<WordMatches> words(Account a, String property, String text);

  // ---- administration --------------------------------------------------------------------------------

  /** Whether a user's index has caught up with every mailbox of the store (tests, status). */
  boolean upToDate(String user);

  /**
   * Throws the user's index away and builds it again from the store, on the caller's thread, or leaves
   * the running server a request ({@link SearchIndexes.Rebuilt#QUEUED_FOR_SERVER}) where only it can.
   */
  SearchIndexes.Rebuilt rebuild(String user) throws IOException;

  /** The users that have an index. */
  List<String> users() throws IOException;

  /** Messages added to the index by this process since start (metrics, bench). */
  int indexedCount();

  /** Waits until the indexer has nothing queued or stale (tests, bench); false on timeout. */
  boolean awaitIdle(long millis) throws InterruptedException;

  @Override
  void close();
}
