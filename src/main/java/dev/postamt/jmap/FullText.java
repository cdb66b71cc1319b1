package dev.postamt.jmap;

import dev.postamt.search.SearchBackend;
import dev.postamt.search.WordMatches;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The full-text index behind the text conditions of one {@code Email/query} ({@code text}, {@code body},
 * {@code subject}, {@code from}, {@code to}, {@code cc}, {@code bcc}): each condition is asked of the
 * index once; for messages it holds it answers with word semantics (stems, diacritics, CJK bigrams; see
 * {@code search.WordQuery}), messages it does not hold yet are matched by reading them, as without an
 * index.
 */
final class FullText {
  private final CallContext c;
  private final Map<List<String>, Optional<WordMatches>> asked = new HashMap<>();

  FullText(CallContext c) {
    this.c = c;
  }

  /** True or false from the index, null when the message has to be read. */
  Boolean decide(String property, String text, CallContext.Found f) throws MethodError {
    Optional<WordMatches> m = asked.get(List.of(property, text));
    if (m == null) {
      try {
        m = SearchBackend.of(c.account).flatMap(ix -> ix.words(c.account, property, text));
      } catch (IllegalArgumentException e) {
        if (text.length() > 1000) {
          throw new MethodError("invalidArguments", e.getMessage());
        }
        m = Optional.empty(); // no words in it: the substring scan decides
      }
      asked.put(List.of(property, text), m);
    }
    return m.map(w -> w.decide(f.mailbox().id(), f.message().uid())).orElse(null);
  }
}
