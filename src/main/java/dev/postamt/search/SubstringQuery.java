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

  /** The exact index query (see {@link Trigrams}) over the substring fields of {@link MessageDocument}. */
  org.apache.lucene.search.Query query() {
    return switch (target) {
      case HEADER -> Trigrams.query("s.h." + field, needle);
      case BODY -> Trigrams.query("s.b", needle);
      case TEXT -> new org.apache.lucene.search.BooleanQuery.Builder()
          .add(Trigrams.query("s.hl", needle), org.apache.lucene.search.BooleanClause.Occur.SHOULD)
          .add(Trigrams.query("s.b", needle), org.apache.lucene.search.BooleanClause.Occur.SHOULD)
          .build();
    };
  }

  /** Whether the index can answer this key at all (otherwise every message is scanned for it). */
  public boolean indexable() {
    return (target != Target.HEADER || HEADER_FIELDS.contains(field)) && Trigrams.searchable(needle);
  }
}
