package dev.postamt.imap;

import dev.postamt.search.SearchBackend;
import dev.postamt.search.SubstringAnswers;
import dev.postamt.search.SubstringQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * The seam between SEARCH and the full-text index: the string keys of a search (FROM, TO, CC, BCC,
 * SUBJECT, BODY, TEXT, wherever they stand in the key tree) are asked of the index once, and {@link
 * SearchMatcher} takes its yes or no for the messages it knows, reading the others. Without an index
 * (or for keys it cannot answer) every message is read, as before.
 */
final class IndexedSearch {
  private IndexedSearch() {}

  static SubstringAnswers answers(SelectedMailbox sel, SearchKey key) {
    List<SubstringQuery> keys = new ArrayList<>();
    collect(key, keys);
    if (keys.isEmpty()) {
      return SubstringAnswers.NONE;
    }
    return SearchBackend.of(sel.account)
        .map(ix -> ix.substrings(sel.account, sel.id, sel.uidValidity, keys))
        .orElse(SubstringAnswers.NONE);
  }

  private static void collect(SearchKey k, List<SubstringQuery> out) {
    switch (k) {
      case SearchKey.And and -> and.keys().forEach(x -> collect(x, out));
      case SearchKey.Or or -> {
        collect(or.a(), out);
        collect(or.b(), out);
      }
      case SearchKey.Not not -> collect(not.key(), out);
      case SearchKey.Header h when !h.value().isEmpty() -> out.add(SubstringQuery.header(h.field(), h.value()));
      case SearchKey.Text t -> out.add(SubstringQuery.body(t.bodyOnly(), t.value()));
      default -> { }
    }
  }
}
