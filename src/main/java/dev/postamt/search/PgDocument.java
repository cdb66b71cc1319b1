package dev.postamt.search;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * One message as a row of {@link PgSearchTables}: the texts IMAP SEARCH compares, exactly as {@link
 * SearchText} gives them to the scan, and the words of {@link Analyzers} as a {@code tsvector}.
 *
 * <p>Substring columns: a column holds its strings joined by {@link #SEPARATOR} (U+FFFD). A needle with
 * U+FFFD, a surrogate or NUL is not asked of the index ({@link #searchable}), so {@code strpos} over the
 * column finds a needle exactly when the scan finds it in one of the strings. PostgreSQL text holds no
 * NUL and no unpaired surrogate: both are stored as the separator, which such needles never meet.
 *
 * <p>Word column: each token the Lucene analyzers make of field {@code f} ({@code w.f}, {@code st.f})
 * becomes the lexeme {@code <code>:<token>} ({@link #lexeme}) at its position in that field, so that a
 * Lucene query over the word fields translates term by term into a {@code tsquery} ({@link TsQueries})
 * and matches what the Lucene index would. A {@code tsvector} keeps positions up to 16383 and 256 per
 * lexeme and is at most 1 MB: beyond, the message's phrases ({@link #PHRASES_PARTIAL}) or words ({@link
 * #WORDS_PARTIAL}) are left to the scan.
 */
record PgDocument(int part, Map<String, String> headers, String lines, String body, String words) {
  static final char SEPARATOR = '\uFFFD';
  /** Bits of {@link #part} besides {@link MessageDocument#HEADERS_PARTIAL} and {@link MessageDocument#BODY_PARTIAL}. */
  static final int WORDS_PARTIAL = 4;
  static final int PHRASES_PARTIAL = 8;
  static final int ALL_PARTIAL = MessageDocument.HEADERS_PARTIAL | MessageDocument.BODY_PARTIAL | WORDS_PARTIAL
      | PHRASES_PARTIAL;
  static final int MAX_POSITION = 16383;
  static final int MAX_POSITIONS = 255;
  static final int MAX_WORD_BYTES = 900_000;
  private static final Analyzer ANALYZER = Analyzers.perField();

  /** A message the index does not read (too large, unreadable): every search reads it. */
  static PgDocument unread() {
    return new PgDocument(ALL_PARTIAL, Map.of(), null, null, null);
  }

  /** Whether a needle can be answered from the substring columns. */
  static boolean searchable(SubstringQuery q) {
    return q.indexable() && q.needle().indexOf('\0') < 0;
  }

  /** The short code of a word field in lexemes: {@code w0}…{@code w6}, {@code s0}…{@code s6}. */
  static String code(String luceneField) {
    boolean stems = luceneField.startsWith(Analyzers.STEMS);
    String f = luceneField.substring(stems ? Analyzers.STEMS.length() : Analyzers.WORDS.length());
    int i = MessageDocument.WORD_FIELDS.indexOf(f);
    if (i < 0 || !stems && !luceneField.startsWith(Analyzers.WORDS)) {
      throw new IllegalArgumentException("not a word field: " + luceneField);
    }
    return (stems ? "s" : "w") + i;
  }

  static String lexeme(String luceneField, String token) {
    return code(luceneField) + ":" + token;
  }

  /** The row of a message; {@code bytes} as read from the store. */
  static PgDocument of(byte[] bytes, MessageDocument.Budget budget) {
    MimePart root = MimePart.parse(bytes);
    int partial = 0;
    Map<String, String> headers = new LinkedHashMap<>();
    for (String f : SubstringQuery.HEADER_FIELDS) {
      headers.put(f, join(SearchText.headerStrings(root, f)));
    }
    String lines = join(SearchText.headerLines(root));
    MessageDocument.Leaves leaves = MessageDocument.Leaves.of(root, budget);
    Map<MimePart, String> decoded = leaves.decoded();
    String bodyText = null;
    if (leaves.withinBudget()) {
      bodyText = join(leaves.folded());
    } else {
      partial |= MessageDocument.BODY_PARTIAL;
    }

    Map<String, String> texts = new LinkedHashMap<>();
    for (String f : List.of("from", "to", "cc", "bcc", "subject")) {
      StringBuilder b = new StringBuilder();
      for (String v : root.headers(f)) {
        b.append(HeaderText.decode(v)).append('\n');
      }
      texts.put(f, b.toString());
    }
    MessageDocument.Readable readable = MessageDocument.Readable.of(root, budget.attachmentChars(), decoded);
    texts.put("body", readable.body());
    texts.put("attachment", readable.attachments());
    Words w = new Words();
    for (var e : texts.entrySet()) {
      if (!e.getValue().isBlank()) {
        w.add(Analyzers.WORDS + e.getKey(), e.getValue());
        w.add(Analyzers.STEMS + e.getKey(), e.getValue());
      }
    }
    String words = w.literal();
    if (words == null) {
      partial |= WORDS_PARTIAL | PHRASES_PARTIAL;
    } else if (w.clipped) {
      partial |= PHRASES_PARTIAL;
    }
    return new PgDocument(partial, headers, lines, bodyText, words);
  }

  /** Strings joined by the separator; characters PostgreSQL text cannot hold stored as the separator. */
  static String join(List<String> strings) {
    StringBuilder b = new StringBuilder();
    for (String s : strings) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == 0) {
          c = SEPARATOR;
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          b.append(c);
          c = s.charAt(++i);
        } else if (Character.isSurrogate(c)) {
          c = SEPARATOR;
        }
        b.append(c);
      }
      b.append(SEPARATOR);
    }
    return b.toString();
  }

  /** The tokens of the word fields, by lexeme, with their positions. */
  private static final class Words {
    final Map<String, List<Integer>> positions = new LinkedHashMap<>();
    boolean clipped;
    boolean invalid;

    void add(String field, String text) {
      String code = code(field);
      try (TokenStream ts = ANALYZER.tokenStream(field, text)) {
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
        ts.reset();
        int pos = 0;
        while (ts.incrementToken()) {
          pos += inc.getPositionIncrement();
          String token = term.toString();
          if (!validText(token)) {
            invalid = true;
            continue;
          }
          List<Integer> p = positions.computeIfAbsent(code + ":" + token, k -> new ArrayList<>(2));
          if (pos + 1 > MAX_POSITION || p.size() >= MAX_POSITIONS) {
            clipped = true;
          } else {
            p.add(pos + 1);
          }
        }
        ts.end();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The {@code tsvector} literal; null when it would be too large or a token cannot be stored. */
    String literal() {
      if (invalid) {
        return null;
      }
      StringBuilder b = new StringBuilder();
      long bytes = 0;
      for (var e : positions.entrySet()) {
        if (!b.isEmpty()) {
          b.append(' ');
        }
        b.append('\'');
        String lex = e.getKey();
        for (int i = 0; i < lex.length(); i++) {
          char c = lex.charAt(i);
          if (c == '\'' || c == '\\') {
            b.append(c == '\'' ? '\'' : '\\');
          }
          b.append(c);
        }
        b.append('\'');
        List<Integer> p = e.getValue();
        for (int i = 0; i < p.size(); i++) {
          b.append(i == 0 ? ':' : ',').append(p.get(i));
        }
        bytes += lex.getBytes(StandardCharsets.UTF_8).length + 2L * p.size() + 8;
        if (bytes > MAX_WORD_BYTES) {
          return null;
        }
      }
      return b.toString();
    }
  }

  /** No NUL, no unpaired surrogate: text PostgreSQL can store as it is. */
  static boolean validText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
