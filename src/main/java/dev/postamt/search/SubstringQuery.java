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
   * messages that certainly match (the header fields' grams, {@link Trigrams}; the body's runs, {@link
   * Runs}; for a needle of up to three characters also a long body's gram set, which is then exact), and
   * the messages that may match beyond them, to be read ({@code maybe}, null when there are none to look
   * for): long bodies (or bodies with a run too long for one token) that hold every gram of a needle of
   * four or more characters, and whatever {@link Runs} could not decide.
   */
  Runs.Answer answer(org.apache.lucene.index.IndexReader reader) throws java.io.IOException {
    if (target == Target.HEADER) {
      return new Runs.Answer(Trigrams.query("s.h." + field, needle), null);
    }
    Runs.Answer runs = Runs.answer(MessageDocument.BODY_RUNS, needle, reader);
    org.apache.lucene.search.Query certain = runs.certain();
    org.apache.lucene.search.Query maybe = runs.maybe();
    if (needle.length() <= Trigrams.N) {
      certain = either(certain, Trigrams.query(MessageDocument.BODY_GRAM_SET, needle));
    } else {
      org.apache.lucene.search.Query grams = Trigrams.candidates(MessageDocument.BODY_GRAM_SET, needle);
      maybe = maybe == null ? grams : either(maybe, grams);
    }
    if (target == Target.TEXT) {
      certain = either(Trigrams.query("s.hl", needle), certain);
    }
    return new Runs.Answer(certain, maybe);
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
