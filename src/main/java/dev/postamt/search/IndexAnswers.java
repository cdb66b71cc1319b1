package dev.postamt.search;

import dev.postamt.store.Account;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.search.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link SearchIndexes} answers IMAP SEARCH ({@link #substrings}) and JMAP ({@link #words}) with: a
 * user's published reader, asked per mailbox. Never throws for a failing index: it answers nothing, and a
 * damaged one is handed back to be moved aside and rebuilt.
 */
final class IndexAnswers {
  private static final Logger log = LoggerFactory.getLogger(IndexAnswers.class);

  private final SearchIndexes ix;

  IndexAnswers(SearchIndexes ix) {
    this.ix = ix;
  }

  /**
   * The index's answers to IMAP SEARCH string keys over one mailbox (see {@link SubstringAnswers});
   * {@link SubstringAnswers#NONE} when the index does not cover that mailbox at that UIDVALIDITY.
   */
  SubstringAnswers substrings(Account a, long mailboxId, long uidValidity, List<SubstringQuery> keys) {
    List<SubstringQuery> usable = keys.stream().filter(SubstringQuery::indexable).distinct().toList();
    if (usable.isEmpty() || ix.isClosed()) {
      return SubstringAnswers.NONE;
    }
    String user = a.user().toLowerCase(java.util.Locale.ROOT);
    ix.pacing.urgent(user); // what the index lacks is read: let it catch up
    OpenIndexes.Holder h = ix.indexes.lease(a.user());
    if (h == null) {
      return SubstringAnswers.NONE;
    }
    if (h.index.hasUnpublished()) { // additions wait in the writer's buffer: the next sync publishes them
      h.index.want();
      ix.changed(user);
      ix.pacing.urgent(user);
    }
    IndexView v = h.index.acquire();
    try {
      UserIndex.MailboxState st = v.state.get(mailboxId);
      if (st == null || st.uidValidity() != uidValidity) {
        ix.changed(a.user());
        return SubstringAnswers.NONE;
      }
      long[][] known = v.known(mailboxId);
      Map<SubstringQuery, long[]> hits = new HashMap<>();
      Map<SubstringQuery, long[]> maybe = new HashMap<>();
      for (SubstringQuery q : usable) {
        Runs.Answer answer = q.answer(v.reader);
        hits.put(q, v.uids(UserIndex.inMailboxes(answer.certain(), Set.of(mailboxId)), 0));
        if (answer.maybe() != null) {
          maybe.put(q, v.uids(UserIndex.inMailboxes(answer.maybe(), Set.of(mailboxId)), 0));
        }
      }
      return new SubstringAnswers(hits, maybe, known[0], known[1]);
    } catch (IOException | RuntimeException e) {
      if (OpenIndexes.isDamage(e)) {
        ix.indexes.broken(a.user(), h, e);
      } else if (OpenIndexes.isClosedUnderReader(e)) {
        ix.indexes.reopenLater(a.user(), h, e);
      } else {
        log.warn("search: {}: search failed, scanning instead: {}", a.user(), e.toString());
      }
      return SubstringAnswers.NONE;
    } finally {
      try {
        h.index.release(v);
      } catch (IOException | RuntimeException ignored) {
        // the reader went with a damaged index
      }
      ix.indexes.release(h);
    }
  }

  /**
   * A JMAP text condition ({@code text}, {@code body}, {@code subject}, {@code from}, {@code to},
   * {@code cc}, {@code bcc}) over the word fields ({@link WordQuery}); empty when the index cannot
   * answer (then every message is read), and the answer says "unknown" for messages it lacks.
   *
   * @throws IllegalArgumentException the text has no words to look for, or is too long
   */
  Optional<WordMatches> words(Account a, String property, String text) {
    Query q = WordQuery.parse(property, text);
    if (ix.isClosed()) {
      return Optional.empty();
    }
    OpenIndexes.Holder h = ix.indexes.lease(a.user());
    if (h == null) {
      return Optional.empty();
    }
    IndexView v = null;
    try {
      h.index.want(); // additions kept unpublished are published by the sync below
      catchUpNow(a, h);
      v = h.index.acquire();
      Map<Long, long[]> hits = new HashMap<>();
      Map<Long, long[]> known = new HashMap<>();
      for (Long mailboxId : v.state.keySet()) {
        known.put(mailboxId, v.known(mailboxId)[0]);
        hits.put(mailboxId, v.uids(UserIndex.inMailboxes(q, Set.of(mailboxId)), 0));
      }
      return Optional.of(new WordMatches(hits, known));
    } catch (IOException | RuntimeException e) {
      if (OpenIndexes.isDamage(e)) {
        ix.indexes.broken(a.user(), h, e);
      } else if (OpenIndexes.isClosedUnderReader(e)) {
        ix.indexes.reopenLater(a.user(), h, e);
      } else {
        log.warn("search: {}: search failed, scanning instead: {}", a.user(), e.toString());
      }
      return Optional.empty();
    } finally {
      try {
        if (v != null) {
          h.index.release(v);
        }
      } catch (IOException | RuntimeException ignored) {
        // the reader went with a damaged index
      }
      ix.indexes.release(h);
    }
  }

  /**
   * Word semantics differ from the scan's substrings, so JMAP answers are only consistent when the index
   * holds the messages: a small lag ({@value SearchIndexes#CATCH_UP_INLINE} messages or fewer) is caught up on the
   * caller's thread, or waited for when the indexer is already syncing the user (at most {@value
   * SearchIndexes#INLINE_WAIT_MILLIS} ms: a short lag is worth waiting for, since the scan's substring answer differs
   * from the index's words); a larger one (a rebuild under way) leaves the rest to the scan.
   */
  private void catchUpNow(Account a, OpenIndexes.Holder h) throws IOException {
    // Even when nothing looks behind, pass through the sync lock: a sync running now may have recorded
    // its new state but not yet published the reader that holds it.
    List<dev.postamt.store.MailboxInfo> behind = h.index.behind(a);
    long missing = 0;
    for (dev.postamt.store.MailboxInfo m : behind) {
      missing += h.index.missing(m);
    }
    if (missing <= SearchIndexes.CATCH_UP_INLINE) {
      // not behind the indexer's long catch-up, though: then the scan answers for what it lacks
      ix.indexed.addAndGet(Math.max(0, h.index.syncWithin(a, ix.budget, ix::isClosed, ix.pool, SearchIndexes.INLINE_WAIT_MILLIS)));
    }
  }
}
