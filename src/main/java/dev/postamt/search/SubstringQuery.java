package dev.postamt.search;

import java.util.Locale;

/**
 * One IMAP SEARCH string key as the index sees it: a header field (FROM, TO, CC, BCC, SUBJECT), the
 * body (BODY) or header and body (TEXT), and the needle, already {@linkplain SearchText#fold folded}.
 *
 * @param field the lower-case header field name for {@link Target#HEADER}, else empty
 */
public record SubstringQuery(Target target, String field, String needle) {
  /** Where the needle is looked for. */
  public enum Target {
    HEADER,
    BODY,
    TEXT
  }

  /** The header fields the index keeps apart (SEARCH FROM, TO, CC, BCC, SUBJECT). */
  public static final java.util.List<String> HEADER_FIELDS = java.util.List.of("from", "to", "cc", "bcc", "subject");

  public static SubstringQuery header(String field, String value) {
    return new SubstringQuery(Target.HEADER, field.toLowerCase(Locale.ROOT), SearchText.fold(value));
  }

  public static SubstringQuery body(boolean bodyOnly, String value) {
    return new SubstringQuery(bodyOnly ? Target.BODY : Target.TEXT, "", SearchText.fold(value));
  }

  /**
   * The index's answer over the substring fields of {@link MessageDocument} in {@code reader}: the
   * messages that certainly match, and the messages that may match beyond them, to be read ({@code
   * maybe}, null when there are none to look for). Header fields: their grams ({@link Trigrams}), exact.
   * Header lines (TEXT): their runs, as exact as the body's, or a line with a long run its grams. Body:
   * for a needle of one or two characters the set of its characters and pairs ({@link Pairs}), exact;
   * else its runs ({@link Runs}), exact where they were indexed whole; of a long body also the set of all its
   * runs, exact for a needle of one run and otherwise the bodies that hold every piece of the needle;
   * of a body with a run too long for one token the set of its grams, exact for a needle of up to three
   * characters and otherwise the bodies that hold every gram of it.
   */
  Runs.Answer answer(org.apache.lucene.index.IndexReader reader) throws java.io.IOException {
    if (target == Target.HEADER) {
      return new Runs.Answer(Trigrams.query("s.h." + field, needle), null);
    }
    Runs.Answer body = bodyAnswer(reader);
    if (target == Target.BODY) {
      return body;
    }
    // each header line is in one of two fields, each exact for its lines (MessageDocument.headerLines)
    Runs.Answer lines = Runs.answer(MessageDocument.HEADER_RUNS, needle, reader);
    org.apache.lucene.search.Query certain = either(Trigrams.query(MessageDocument.HEADER_GRAMS, needle), lines.certain());
    return new Runs.Answer(either(certain, body.certain()), or(lines.maybe(), body.maybe()));
  }

  /** {@link #answer} over the body's fields. */
  private Runs.Answer bodyAnswer(org.apache.lucene.index.IndexReader reader) throws java.io.IOException {
    if (Pairs.answers(needle)) {
      return new Runs.Answer(new org.apache.lucene.search.TermQuery(
          new org.apache.lucene.index.Term(MessageDocument.BODY_PAIRS, needle)), null);
    }
    Runs.Answer runs = Runs.answer(MessageDocument.BODY_RUNS, needle, reader);
    Runs.Answer set = Runs.setAnswer(MessageDocument.BODY_RUN_SET, needle, reader);
    org.apache.lucene.search.Query certain = either(runs.certain(), set.certain());
    org.apache.lucene.search.Query maybe = or(runs.maybe(), set.maybe());
    if (needle.length() <= Trigrams.N) {
      certain = either(certain, Trigrams.query(MessageDocument.BODY_GRAM_SET, needle));
    } else {
      maybe = or(maybe, Trigrams.candidates(MessageDocument.BODY_GRAM_SET, needle));
    }
    return new Runs.Answer(certain, maybe);
  }

  private static org.apache.lucene.search.Query or(org.apache.lucene.search.Query a, org.apache.lucene.search.Query b) {
    return a == null ? b : b == null ? a : either(a, b);
  }

  private static org.apache.lucene.search.Query either(org.apache.lucene.search.Query a, org.apache.lucene.search.Query b) {
    return new org.apache.lucene.search.BooleanQuery.Builder()
        .add(a, org.apache.lucene.search.BooleanClause.Occur.SHOULD)
        .add(b, org.apache.lucene.search.BooleanClause.Occur.SHOULD)
        .build();
  }

  /** Whether the index can answer this key at all (otherwise every message is scanned for it). */
  public boolean indexable() {
    return (target != Target.HEADER || HEADER_FIELDS.contains(field)) && Trigrams.searchable(needle);
  }
}
