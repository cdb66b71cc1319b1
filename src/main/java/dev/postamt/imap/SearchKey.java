package dev.postamt.imap;

import java.time.LocalDate;
import java.util.List;

/** A SEARCH criterion (RFC 3501 §6.4.4); the parser folds the short forms into these records. */
public sealed interface SearchKey {
  record All() implements SearchKey {}

  /** All keys must match (a parenthesised list, or the top-level sequence). */
  record And(List<SearchKey> keys) implements SearchKey {}

  record Or(SearchKey a, SearchKey b) implements SearchKey {}

  record Not(SearchKey key) implements SearchKey {}

  /** A message number set, or a UID set with {@code uid}. */
  record Sequence(SequenceSet set, boolean uid) implements SearchKey {}

  /** A system flag or keyword, present ({@code set}) or absent. {@code \Recent} too. */
  record Flag(String flag, boolean set) implements SearchKey {}

  /** NEW is RECENT UNSEEN; OLD is NOT RECENT (kept as records for readable tests). */
  record New() implements SearchKey {}

  record Old() implements SearchKey {}

  record Size(boolean larger, long bytes) implements SearchKey {}

  /** Which date a date key compares. */
  enum DateField {
    INTERNAL,
    SENT,
    /** The save date (RFC 8514 §4.2: SAVEDBEFORE, SAVEDON, SAVEDSINCE). */
    SAVED
  }

  /** How the date compares. */
  enum DateOp {
    BEFORE,
    ON,
    SINCE
  }

  record Date(DateField field, DateOp op, LocalDate date) implements SearchKey {}

  /** HEADER field string; FROM/TO/CC/BCC/SUBJECT are HEADER on that field. Empty value: field exists. */
  record Header(String field, String value) implements SearchKey {}

  /** BODY (body only) or TEXT (header and body) substring. */
  record Text(boolean bodyOnly, String value) implements SearchKey {}

  record ModSeq(long modseq) implements SearchKey {}

  /**
   * RFC 5032 WITHIN: YOUNGER (INTERNALDATE at most {@code seconds} ago) or OLDER (more than that ago),
   * measured from the moment of the search.
   */
  record Within(boolean younger, long seconds) implements SearchKey {}

  /** RFC 8474 §6: EMAILID or THREADID (when {@code thread}) equal to {@code id}. */
  record ObjectId(boolean thread, String id) implements SearchKey {}
}
