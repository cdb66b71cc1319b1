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
   * The index query for the messages that certainly match (see {@link Trigrams}) over the substring
   * fields of {@link MessageDocument}: a match in the positional fields, or, for a needle of up to three
   * characters, in a long body's gram set, which is then exact.
   */
  org.apache.lucene.search.Query query() {
    return switch (target) {
      case HEADER -> Trigrams.query("s.h." + field, needle);
      case BODY -> body();
      case TEXT -> either(Trigrams.query("s.hl", needle), body());
    };
  }

  /**
   * The messages that may match beyond {@link #query}: long bodies that hold every gram of a needle of
   * four or more characters but not the needle in their positional start; null when there are none to
   * look for (the answer of {@link #query} is then exact for every message the index holds).
   */
  org.apache.lucene.search.Query candidates() {
    if (target == Target.HEADER || needle.length() <= Trigrams.N) {
      return null;
    }
    return Trigrams.candidates(MessageDocument.BODY_GRAM_SET, needle);
  }

  private org.apache.lucene.search.Query body() {
    org.apache.lucene.search.Query positional = Trigrams.query("s.b", needle);
    return needle.length() <= Trigrams.N
        ? either(positional, Trigrams.query(MessageDocument.BODY_GRAM_SET, needle)) : positional;
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
