package dev.postamt.search;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.store.MessageRecord;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.Term;

/**
 * One message as an index document. Fields (none stored: the message is the store's, snippets re-read
 * it):
 *
 * <ul>
 *   <li>{@code id} ({@code <mailbox id>/<uid>}, the key), {@code mbox} (the mailbox id: it survives a
 *       rename), doc values {@code uid} and {@code part} (bit 1: headers not complete, bit 2: body not
 *       complete). Nothing else of the store's record: flags, MODSEQ, dates and sizes are searched in the
 *       store, so the index neither keeps them nor changes on a flag change. (An index written before
 *       {@link UserIndex#FORMAT} is rebuilt when opened.)
 *   <li>substring fields, exact for IMAP SEARCH (texts from {@link SearchText}): {@code s.h.<field>}
 *       for FROM, TO, CC, BCC, SUBJECT as grams ({@link Trigrams}), the header lines (TEXT) as runs
 *       ({@value #HEADER_RUNS}) or, a line with a long run, as grams ({@value #HEADER_GRAMS}),
 *       {@value #BODY_PAIRS} the set of the body's characters and pairs ({@link Pairs}), {@code s.b}
 *       (body) as runs ({@link Runs}): of a body longer than {@link Trigrams#POSITIONAL_CHARS}
 *       only its start, and then {@value #BODY_RUN_SET} the set of all its runs; a body with a run
 *       longer than {@link Runs#MAX_RUN} has {@value #BODY_GRAM_SET}, the set of all its grams, instead;
 *   <li>word fields ({@link Analyzers}, the text broken into words once for both: {@link WordTokens})
 *       {@code w.*} (with positions) and {@code st.*} (a set of terms) for {@link #WORD_FIELDS}: the
 *       readable body is text parts with HTML reduced to text; {@code attachment} holds attachment
 *       names and, within the budget, their text ({@link AttachmentText}).
 * </ul>
 */
final class MessageDocument {
  private MessageDocument() {}

  static final List<String> WORD_FIELDS = List.of("from", "to", "cc", "bcc", "subject", "body", "attachment");
  static final int HEADERS_PARTIAL = 1;
  static final int BODY_PARTIAL = 2;

  /** Header lines (TEXT) without a run longer than {@link #HEADER_MAX_RUN}, as runs ({@link Runs}). */
  static final String HEADER_RUNS = "s.hr";
  /** The other header lines (a signature's base64, a long Message-ID), as grams ({@link Trigrams}). */
  static final String HEADER_GRAMS = "s.hl";
  /**
   * A header line with a longer run is indexed as grams: such runs are signatures, keys and identifiers,
   * nearly every one of them new, and as runs they would fill the field's term dictionary, which a
   * needle's ends are looked up in ({@link TermTexts}); as grams they add to a vocabulary that stays
   * small.
   */
  static final int HEADER_MAX_RUN = 32;

  /** The body's runs ({@link Runs}), of a long body only its start. */
  static final String BODY_RUNS = "s.b";
  /** The body's distinct characters and pairs ({@link Pairs}). */
  static final String BODY_PAIRS = "s.b2";
  /**
   * The distinct runs and other characters of a body longer than {@link Trigrams#POSITIONAL_CHARS}
   * ({@link Runs#distinct}), which answer a needle of one run exactly.
   */
  static final String BODY_RUN_SET = "s.br";
  /** The distinct grams of a body with a run longer than {@link Runs#MAX_RUN} ({@link Trigrams#distinct}). */
  static final String BODY_GRAM_SET = "s.bg";

  /** Indexed with positions, no norms, not stored: the substring fields. */
  private static final FieldType GRAMS = new FieldType();
  /**
   * Indexed as a set of terms (no frequencies, no positions, no norms), not stored: the run, gram and
   * pair sets, and the stem fields ({@code st.*}), as Xapian keeps its stemmed terms without positions
   * (a phrase is looked for among the words, {@link WordQuery}). Positions were the largest single cost
   * of Lucene's part in indexing a 100 KB body (bench/README.md, 2026-12-07 22:33).
   */
  private static final FieldType TERM_SET = new FieldType();
  /**
   * The word fields ({@code w.*}): positions for phrases, no norms (no search is scored: {@link
   * IndexView}).
   */
  private static final FieldType WORDS = new FieldType(TextField.TYPE_NOT_STORED);

  static {
    GRAMS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    GRAMS.setTokenized(true);
    GRAMS.setOmitNorms(true);
    GRAMS.freeze();
    TERM_SET.setIndexOptions(IndexOptions.DOCS);
    TERM_SET.setTokenized(true);
    TERM_SET.setOmitNorms(true);
    TERM_SET.freeze();
    WORDS.setOmitNorms(true);
    WORDS.freeze();
  }

  /** What the index takes of one message at most. */
  record Budget(long messageBytes, int substringChars, int attachmentChars) {}

  /**
   * Every leaf of a message as the scan reads it — also images and PDFs (their bytes as text, which a
   * needle rarely meets but may), so that an index's "no" is as good as the scan's — each decoded once
   * ({@code decoded}, which the word fields read again through {@link Readable}) and folded ({@code
   * folded}); {@code withinBudget} when the body is small enough for the substring fields.
   */
  record Leaves(List<String> folded, Map<MimePart, String> decoded, boolean withinBudget) {
    static Leaves of(MimePart root, Budget budget) {
      Map<MimePart, String> decoded = new IdentityHashMap<>();
      List<MimePart> leaves = SearchText.leaves(root);
      if (!decode(leaves, decoded, budget)) {
        return new Leaves(List.of(), decoded, false);
      }
      List<String> folded = new ArrayList<>(leaves.size());
      int[] lengths = new int[leaves.size()];
      for (int i = 0; i < lengths.length; i++) {
        String s = SearchText.fold(decoded.get(leaves.get(i)));
        folded.add(s);
        lengths[i] = s.length();
      }
      return new Leaves(folded, decoded, within(leaves, lengths, budget));
    }

    /** Whether folded texts of {@code lengths} (one per leaf) fit the substring fields' budget. */
    private static boolean within(List<MimePart> leaves, int[] lengths, Budget budget) {
      long textChars = 0;
      long otherChars = 0;
      for (int i = 0; i < lengths.length; i++) {
        if (leaves.get(i).type().equals("text")) {
          textChars += lengths[i];
        } else {
          otherChars += lengths[i];
        }
      }
      return textChars <= budget.substringChars() && otherChars <= budget.substringChars() / 4;
    }

    /**
     * Each leaf's text into {@code decoded}; false when the texts are too long to be folded at all:
     * folding maps each character (one or two UTF-16 units) to at least one unit, so a text over twice
     * the budget is over it folded too: it is not folded, only to be dropped (a 45 MB body).
     */
    private static boolean decode(List<MimePart> leaves, Map<MimePart, String> decoded, Budget budget) {
      long textChars = 0;
      long otherChars = 0;
      for (MimePart leaf : leaves) {
        String text = SearchText.leafText(leaf);
        decoded.put(leaf, text);
        if (leaf.type().equals("text")) {
          textChars += text.length();
        } else {
          otherChars += text.length();
        }
      }
      return textChars <= 2L * budget.substringChars() && otherChars <= 2L * (budget.substringChars() / 4);
    }
  }

  /**
   * What {@link Leaves} gives the index: each leaf's text ({@code decoded}) and {@link Trigrams#joinChars}
   * of the folded leaves ({@code joined}, null when over the budget), folded as they are joined ({@link
   * Trigrams#joinFolded}) rather than each copied once more as a folded string first.
   */
  record JoinedLeaves(char[] joined, int length, Map<MimePart, String> decoded) {
    /** {@code joined} is {@code scratch}'s array, or a new one when that was too short (kept there then). */
    static JoinedLeaves of(MimePart root, Budget budget, Scratch scratch) {
      Map<MimePart, String> decoded = new IdentityHashMap<>();
      List<MimePart> leaves = SearchText.leaves(root);
      if (!Leaves.decode(leaves, decoded, budget)) {
        return new JoinedLeaves(null, 0, decoded);
      }
      List<String> texts = new ArrayList<>(leaves.size());
      for (MimePart leaf : leaves) {
        texts.add(decoded.get(leaf));
      }
      int[] lengths = new int[leaves.size()];
      char[] joined = Trigrams.joinFolded(texts, lengths, scratch.joined);
      if (!Leaves.within(leaves, lengths, budget)) {
        return new JoinedLeaves(null, 0, decoded); // a text over the budget is not kept for the next message
      }
      scratch.joined = joined;
      int length = 2;
      for (int n : lengths) {
        length += n + 1;
      }
      return new JoinedLeaves(joined, length, decoded);
    }
  }

  /**
   * The arrays a document's analysis needs, kept from one message to the next by the thread that indexes
   * them (one {@code Scratch} per thread and batch, {@code UserIndex}): a 100 KB body made ~0.75 MB of
   * new arrays per message (its folded text and its words' tokens), most of what indexing it cost the
   * heap, and the heap's growth under a stream of such mail (bench/README.md, 2026-12-06 17:29). A
   * document built with a scratch reads its arrays until it has been added: build the next one with the
   * same scratch only after that ({@code IndexWriter.addDocument} reads every field's stream).
   */
  static final class Scratch {
    private final WordTokens.Scratch words = new WordTokens.Scratch();
    private char[] joined;
  }

  static String key(long mailboxId, long uid) {
    return mailboxId + "/" + uid;
  }

  static Term keyTerm(long mailboxId, long uid) {
    return new Term("id", key(mailboxId, uid));
  }

  static Term mailboxTerm(long mailboxId) {
    return new Term("mbox", Long.toString(mailboxId));
  }

  /**
   * The document of {@code r} in mailbox {@code mailboxId}; {@code bytes} null when the message is too
   * large to index ({@link Budget#messageBytes}) or could not be read: the document then only says so,
   * and searches read the message.
   */
  static Document build(long mailboxId, MessageRecord r, byte[] bytes, Budget budget) {
    return build(mailboxId, r, bytes, budget, new Scratch());
  }

  /** {@link #build(long, MessageRecord, byte[], Budget)} in {@code scratch}'s arrays (see {@link Scratch}). */
  static Document build(long mailboxId, MessageRecord r, byte[] bytes, Budget budget, Scratch scratch) {
    Document d = new Document();
    d.add(new StringField("id", key(mailboxId, r.uid()), Field.Store.NO));
    d.add(new StringField("mbox", Long.toString(mailboxId), Field.Store.NO));
    d.add(new NumericDocValuesField("uid", r.uid()));
    if (bytes == null) {
      d.add(new NumericDocValuesField("part", HEADERS_PARTIAL | BODY_PARTIAL));
      return d;
    }
    MimePart root = MimePart.parse(bytes);
    int partial = 0;
    for (String f : SubstringQuery.HEADER_FIELDS) {
      grams(d, "s.h." + f, SearchText.headerStrings(root, f));
    }
    headerLines(d, SearchText.headerLines(root));
    JoinedLeaves leaves = JoinedLeaves.of(root, budget, scratch);
    Map<MimePart, String> decoded = leaves.decoded();
    char[] joined = leaves.joined();
    if (joined != null) {
      int length = leaves.length();
      int end = Math.min(length, Trigrams.POSITIONAL_CHARS);
      d.add(new Field(BODY_RUNS, Runs.stream(joined, end), GRAMS));
      // of a long body the pairs are collected with its run set, each distinct run's once
      Pairs.Set pairs = end < length ? new Pairs.Set() : null;
      org.apache.lucene.analysis.TokenStream runSet = end < length ? Runs.distinct(joined, length, pairs) : null;
      d.add(new Field(BODY_PAIRS, runSet != null ? pairs.stream() : Pairs.stream(joined, length), TERM_SET));
      if (runSet != null) {
        d.add(new Field(BODY_RUN_SET, runSet, TERM_SET));
      } else if (end < length || Runs.longestRun(joined, end) > Runs.MAX_RUN) {
        // a run too long for one token: the grams, and a needle that may stand across a cut is read
        d.add(new Field(BODY_GRAM_SET, Trigrams.distinct(joined, length), TERM_SET));
      }
    } else {
      partial |= BODY_PARTIAL;
    }
    d.add(new NumericDocValuesField("part", partial));

    Map<String, Lines> texts = new LinkedHashMap<>();
    for (String f : List.of("from", "to", "cc", "bcc", "subject")) {
      List<String> values = root.headers(f);
      if (!values.isEmpty()) {
        List<String> lines = new ArrayList<>(values.size());
        for (String v : values) {
          lines.add(HeaderText.decode(v));
        }
        texts.put(f, new Lines(lines));
      }
    }
    Readable readable = Readable.of(root, budget.attachmentChars(), decoded);
    texts.put("body", readable.bodyLines());
    texts.put("attachment", readable.attachmentLines());
    for (var e : texts.entrySet()) {
      Lines text = e.getValue();
      if (text.isBlank()) {
        continue;
      }
      if (text.length() <= WordTokens.MAX_CHARS) {
        WordTokens tokens = WordTokens.of(text, scratch.words, e.getKey()); // broken into words once for both fields
        d.add(new Field(Analyzers.WORDS + e.getKey(), tokens.words(), WORDS));
        d.add(new Field(Analyzers.STEMS + e.getKey(), tokens.stems(), TERM_SET));
      } else { // a huge text is read twice (no copy of it is made) rather than held a second time as tokens
        d.add(new Field(Analyzers.WORDS + e.getKey(), text.reader(), WORDS));
        d.add(new Field(Analyzers.STEMS + e.getKey(), text.reader(), TERM_SET));
      }
    }
    return d;
  }

  /**
   * The header lines: each as runs ({@value #HEADER_RUNS}: one posting per word, where grams took one per
   * character; 940 tokens a message of the corpus' ham against 2,290, bench/README.md 2026-12-07 19:50)
   * unless it has a run longer than {@link #HEADER_MAX_RUN}, then as grams ({@value #HEADER_GRAMS}). Both
   * are exact, and a needle never spans two lines, so the query asks both ({@link SubstringQuery}).
   */
  private static void headerLines(Document d, List<String> lines) {
    List<String> runs = new ArrayList<>(lines.size());
    List<String> grams = new ArrayList<>(2);
    for (String line : lines) {
      (longestRun(line) > HEADER_MAX_RUN ? grams : runs).add(line);
    }
    if (!runs.isEmpty()) {
      char[] joined = Trigrams.joinChars(runs);
      d.add(new Field(HEADER_RUNS, Runs.stream(joined, joined.length), GRAMS));
    }
    grams(d, HEADER_GRAMS, grams);
  }

  /** The length of the longest {@linkplain Runs#isRun run} in {@code s}. */
  static int longestRun(String s) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      run = Runs.isRun(s.charAt(i)) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  /** Nothing for a header the message lacks: its joined text (two separators) has no gram. */
  private static void grams(Document d, String field, List<String> strings) {
    if (!strings.isEmpty()) {
      d.add(new Field(field, Trigrams.stream(Trigrams.joinChars(strings)), GRAMS));
    }
  }

  /**
   * A text as the strings it is made of, each followed by a line break ({@code "a\nb\n"} for {@code
   * [a, b]}), never joined into one string: a body's text parts are read by the word fields in place
   * ({@link #reader}), so a large body is not copied once more (a 45 MB message's text took another
   * ~90 MB of heap as one string).
   */
  record Lines(List<String> parts) {
    /** The text's length in characters. */
    long length() {
      long n = 0;
      for (String p : parts) {
        n += p.length() + 1;
      }
      return n;
    }

    boolean isBlank() {
      for (String p : parts) {
        if (!p.isBlank()) {
          return false;
        }
      }
      return true;
    }

    /** Whether every part is {@link WordTokens#cjkFree}. */
    boolean cjkFree() {
      for (String p : parts) {
        if (!WordTokens.cjkFree(p)) {
          return false;
        }
      }
      return true;
    }

    /** The text as one string (snippets, the PostgreSQL index, tests). */
    String text() {
      StringBuilder b = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, length()));
      for (String p : parts) {
        b.append(p).append('\n');
      }
      return b.toString();
    }

    /** The text, read from its parts. */
    java.io.Reader reader() {
      return new java.io.Reader() {
        private int part;
        private int at;

        @Override
        public int read(char[] buf, int off, int len) {
          if (len == 0) {
            return 0;
          }
          int n = 0;
          while (n < len && part < parts.size()) {
            String p = parts.get(part);
            if (at < p.length()) {
              int k = Math.min(len - n, p.length() - at);
              p.getChars(at, at + k, buf, off + n);
              at += k;
              n += k;
            } else {
              buf[off + n++] = '\n';
              part++;
              at = 0;
            }
          }
          return n == 0 ? -1 : n;
        }

        @Override
        public void close() {
          // nothing held
        }
      };
    }
  }

  /**
   * The text a person reads: text parts (HTML reduced to text), and apart from it the attachments'
   * names and, within {@code attachmentChars}, their text.
   */
  record Readable(Lines bodyLines, Lines attachmentLines) {
    static Readable of(MimePart root, int attachmentChars) {
      return of(root, attachmentChars, Map.of());
    }

    /** As {@link #of(MimePart, int)}, taking a leaf's text from {@code decoded} when it holds the leaf. */
    static Readable of(MimePart root, int attachmentChars, Map<MimePart, String> decoded) {
      List<String> body = new ArrayList<>();
      List<String> att = new ArrayList<>();
      collect(root, body, att, new int[] {attachmentChars}, decoded);
      return new Readable(new Lines(body), new Lines(att));
    }

    /** The body text as one string. */
    String body() {
      return bodyLines.text();
    }

    /** The attachments' names and text as one string. */
    String attachments() {
      return attachmentLines.text();
    }

    private static void collect(MimePart p, List<String> body, List<String> att, int[] left, Map<MimePart, String> decoded) {
      if (p.isMultipart()) {
        for (MimePart c : p.children()) {
          collect(c, body, att, left, decoded);
        }
        return;
      }
      if (p.message() != null) {
        MimePart m = p.message();
        for (String f : List.of("from", "to", "subject")) {
          for (String v : m.headers(f)) {
            body.add(HeaderText.decode(v));
          }
        }
        collect(m, body, att, left, decoded);
        return;
      }
      String name = AttachmentText.name(p);
      String disposition = p.header("Content-Disposition");
      boolean attached = name != null
          || (disposition != null && disposition.trim().toLowerCase(Locale.ROOT).startsWith("attachment"));
      if (name != null) {
        att.add(name);
      }
      if (!attached && p.type().equals("text")) {
        body.add(AttachmentText.text(p, decoded.get(p), Integer.MAX_VALUE));
      } else if (left[0] > 0) {
        String t = AttachmentText.text(p, decoded.get(p), left[0]);
        left[0] -= t.length();
        att.add(t);
      }
    }
  }
}
