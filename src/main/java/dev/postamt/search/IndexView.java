package dev.postamt.search;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;

/** A reader and the state it reflects; UIDs the index knows, per mailbox, worked out on first need. */
final class IndexView {
  final DirectoryReader reader;
  final Map<Long, UserIndex.MailboxState> state;
  private final Map<Long, long[][]> known = new ConcurrentHashMap<>();

  IndexView(DirectoryReader reader, Map<Long, UserIndex.MailboxState> state) {
    this.reader = reader;
    this.state = Map.copyOf(state);
  }

  /** [0]: UIDs with complete headers, [1]: with complete bodies; both sorted. */
  long[][] known(long mailboxId) throws IOException {
    long[][] k = known.get(mailboxId);
    if (k == null) {
      long[] all = uids(new TermQuery(MessageDocument.mailboxTerm(mailboxId)), MessageDocument.HEADERS_PARTIAL);
      long[] bodies = uids(new TermQuery(MessageDocument.mailboxTerm(mailboxId)), MessageDocument.BODY_PARTIAL);
      k = new long[][] {all, bodies};
      known.put(mailboxId, k);
    }
    return k;
  }

  /** The sorted UIDs of the documents matching {@code q} whose {@code part} has none of {@code partialBits}. */
  long[] uids(Query q, int partialBits) throws IOException {
    IndexSearcher s = new IndexSearcher(reader);
    s.setQueryCache(null);
    Weight w = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1);
    long[] out = new long[64];
    int n = 0;
    for (LeafReaderContext leaf : reader.leaves()) {
      Scorer sc = w.scorer(leaf);
      if (sc == null) {
        continue;
      }
      NumericDocValues uid = leaf.reader().getNumericDocValues("uid");
      NumericDocValues part = leaf.reader().getNumericDocValues("part");
      var live = leaf.reader().getLiveDocs();
      DocIdSetIterator it = sc.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        if (partialBits != 0 && part != null && part.advanceExact(doc) && (part.longValue() & partialBits) != 0) {
          continue;
        }
        if (uid != null && uid.advanceExact(doc)) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = uid.longValue();
        }
      }
    }
    long[] r = Arrays.copyOf(out, n);
    Arrays.sort(r);
    return r;
  }
}
