package dev.postamt.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.BytesRef;

/**
 * A segment's terms of one field as one string to search in, for the ends of a needle that {@link Runs}
 * looks up in the term dictionary (a term that ends with, or contains, a run): each term's UTF-8 bytes
 * as Latin-1 characters, each term after a {@link #MARK} (the byte 0xFF, which UTF-8 never holds), and a
 * mark at the end. Then "a term contains {@code n}" is an occurrence of {@code n} in the string, "a term
 * ends with {@code n}" one of {@code n} and a mark, and {@link String#indexOf} finds them at memory speed
 * (the JDK compares Latin-1 strings with vector instructions): reading the term dictionary term by term
 * took 16 ms per search over a 100,000-message mailbox's seven segments (bench/README.md, 2026-12-06).
 *
 * <p>A segment never changes, so its string is made once, on its first search, and dropped when the
 * segment is closed (merged away, the index closed); at most {@link #BUDGET_CHARS} characters are kept
 * over all indexes, past that a string is made for the search at hand only.
 */
final class TermTexts {
  private TermTexts() {}

  static final char MARK = '\u00FF';
  /** What the kept strings may hold in all (one byte per character). */
  static final long BUDGET_CHARS = 64L << 20;
  /** A segment whose terms are longer than this in all is not made into a string (it is read term by term). */
  static final int MAX_CHARS = 256 << 20;

  private record Key(IndexReader.CacheKey core, String field) {}

  private static final ConcurrentHashMap<Key, String> KEPT = new ConcurrentHashMap<>();
  private static final AtomicLong KEPT_CHARS = new AtomicLong();

  /** The string of {@code field}'s terms in {@code segment}; empty without terms, null when too large. */
  static String of(LeafReader segment, String field) throws IOException {
    Terms terms = segment.terms(field);
    if (terms == null) {
      return "";
    }
    IndexReader.CacheHelper helper = segment.getCoreCacheHelper();
    Key key = helper == null ? null : new Key(helper.getKey(), field);
    String s = key == null ? null : KEPT.get(key);
    if (s != null) {
      return s;
    }
    s = make(terms);
    if (s != null && key != null && KEPT_CHARS.get() + s.length() <= BUDGET_CHARS && KEPT.putIfAbsent(key, s) == null) {
      KEPT_CHARS.addAndGet(s.length());
      helper.addClosedListener(core -> {
        String gone = KEPT.remove(new Key(core, field));
        if (gone != null) {
          KEPT_CHARS.addAndGet(-gone.length());
        }
      });
    }
    return s;
  }

  /** Whether the string of {@code field} in the segment of {@code core} is kept (tests). */
  static boolean isKept(IndexReader.CacheKey core, String field) {
    return KEPT.containsKey(new Key(core, field));
  }

  private static String make(Terms terms) throws IOException {
    byte[] b = new byte[4096];
    int n = 0;
    TermsEnum te = terms.iterator();
    for (BytesRef t = te.next(); t != null; t = te.next()) {
      if (n + t.length + 2 > b.length) {
        long want = Math.max(2L * b.length, (long) n + t.length + 2);
        if (want > MAX_CHARS) {
          return null;
        }
        b = Arrays.copyOf(b, (int) want);
      }
      b[n++] = (byte) MARK;
      System.arraycopy(t.bytes, t.offset, b, n, t.length);
      n += t.length;
    }
    b[n++] = (byte) MARK;
    return new String(b, 0, n, StandardCharsets.ISO_8859_1);
  }

  /**
   * Each term of {@code text} that holds {@code needle} (UTF-8 bytes; {@code atEnd}: only at its end),
   * handed to {@code found} once; stops when it returns false.
   */
  static void find(String text, byte[] needle, boolean atEnd, java.util.function.Predicate<BytesRef> found) {
    String n = new String(needle, StandardCharsets.ISO_8859_1);
    if (atEnd) {
      n = n + MARK;
    }
    int from = 0;
    while (true) {
      int at = text.indexOf(n, from);
      if (at < 0) {
        return;
      }
      int start = text.lastIndexOf(MARK, at) + 1;
      int end = atEnd ? at + needle.length : text.indexOf(MARK, at + needle.length);
      if (!found.test(new BytesRef(text.substring(start, end).getBytes(StandardCharsets.ISO_8859_1)))) {
        return;
      }
      from = end;
    }
  }
}
