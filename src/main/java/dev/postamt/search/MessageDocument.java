package dev.postamt.search;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.store.MessageRecord;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.BytesRef;

/**
 * One message as an index document. Fields (none stored: the message is the store's, snippets re-read
 * it):
 *
 * <ul>
 *   <li>{@code id} ({@code <mailbox id>/<uid>}, the key), {@code mbox} (the mailbox id: it survives a
 *       rename), doc values {@code uid}, {@code modseq}, {@code flags} (space-separated, updated in place
 *       on a flag change), {@code part} (bit 1: headers not complete, bit 2: body not complete);
 *   <li>{@code date} (Date header), {@code internal}, {@code size}: points and doc values;
 *   <li>substring fields, exact for IMAP SEARCH ({@link Trigrams}, texts from {@link SearchText}):
 *       {@code s.h.<field>} for FROM, TO, CC, BCC, SUBJECT, {@code s.hl} (header lines, TEXT), {@code
 *       s.b} (body; of a body longer than {@link Trigrams#POSITIONAL_CHARS} only its start, and {@value
 *       #BODY_GRAM_SET} the set of all its grams);
 *   <li>word fields ({@link Analyzers}, the text broken into words once for both: {@link WordTokens})
 *       {@code w.*} and {@code st.*} for {@link #WORD_FIELDS}: the
 *       readable body is text parts with HTML reduced to text; {@code attachment} holds attachment
 *       names and, within the budget, their text ({@link AttachmentText}).
 * </ul>
 */
final class MessageDocument {
  private MessageDocument() {}

  static final List<String> WORD_FIELDS = List.of("from", "to", "cc", "bcc", "subject", "body", "attachment");
  static final int HEADERS_PARTIAL = 1;
  static final int BODY_PARTIAL = 2;

  /** The distinct grams of a long body ({@link Trigrams#distinct}); absent when {@code s.b} holds it all. */
  static final String BODY_GRAM_SET = "s.bg";

  /** Indexed with positions, no norms, not stored: the substring fields. */
  private static final FieldType GRAMS = new FieldType();
  /** Indexed as a set of terms (no frequencies, no positions, no norms), not stored. */
  private static final FieldType GRAM_SET = new FieldType();

  static {
    GRAMS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    GRAMS.setTokenized(true);
    GRAMS.setOmitNorms(true);
    GRAMS.freeze();
    GRAM_SET.setIndexOptions(IndexOptions.DOCS);
    GRAM_SET.setTokenized(true);
    GRAM_SET.setOmitNorms(true);
    GRAM_SET.freeze();
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
      List<String> folded = new ArrayList<>();
      long textChars = 0;
      long otherChars = 0;
      Map<MimePart, String> decoded = new IdentityHashMap<>();
      for (MimePart leaf : SearchText.leaves(root)) {
        String text = SearchText.leafText(leaf);
        decoded.put(leaf, text);
        String s = SearchText.fold(text);
        folded.add(s);
        if (leaf.type().equals("text")) {
          textChars += s.length();
        } else {
          otherChars += s.length();
        }
      }
      return new Leaves(folded, decoded,
          textChars <= budget.substringChars() && otherChars <= budget.substringChars() / 4);
    }
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

  static BytesRef flags(MessageRecord r) {
    return new BytesRef(String.join(" ", r.flags()));
  }

  /**
   * The document of {@code r} in mailbox {@code mailboxId}; {@code bytes} null when the message is too
   * large to index ({@link Budget#messageBytes}) or could not be read: the document then only says so,
   * and searches read the message.
   */
  static Document build(long mailboxId, MessageRecord r, byte[] bytes, Budget budget) {
    Document d = new Document();
    d.add(new StringField("id", key(mailboxId, r.uid()), Field.Store.NO));
    d.add(new StringField("mbox", Long.toString(mailboxId), Field.Store.NO));
    d.add(new NumericDocValuesField("uid", r.uid()));
    d.add(new NumericDocValuesField("modseq", r.modseq()));
    d.add(new BinaryDocValuesField("flags", flags(r)));
    d.add(new LongPoint("internal", r.internalDate()));
    d.add(new NumericDocValuesField("internal", r.internalDate()));
    d.add(new LongPoint("size", r.size()));
    d.add(new NumericDocValuesField("size", r.size()));
    if (bytes == null) {
      d.add(new NumericDocValuesField("part", HEADERS_PARTIAL | BODY_PARTIAL));
      return d;
    }
    MimePart root = MimePart.parse(bytes);
    int partial = 0;
    ZonedDateTime sent = HeaderText.parseDate(root.header("Date"));
    if (sent != null) {
      long ms = sent.toInstant().toEpochMilli();
      d.add(new LongPoint("date", ms));
      d.add(new NumericDocValuesField("date", ms));
    }
    for (String f : SubstringQuery.HEADER_FIELDS) {
      grams(d, "s.h." + f, SearchText.headerStrings(root, f));
    }
    grams(d, "s.hl", SearchText.headerLines(root));
    Leaves leaves = Leaves.of(root, budget);
    List<String> body = leaves.folded();
    Map<MimePart, String> decoded = leaves.decoded();
    if (leaves.withinBudget()) {
      String joined = Trigrams.join(body);
      body = null; // the folded leaves are in joined now: let them go before the grams are built
      leaves = null;
      d.add(new Field("s.b", Trigrams.positional(joined), GRAMS));
      if (joined.length() > Trigrams.POSITIONAL_CHARS) {
        d.add(new Field(BODY_GRAM_SET, Trigrams.distinct(joined), GRAM_SET));
      }
    } else {
      partial |= BODY_PARTIAL;
    }
    d.add(new NumericDocValuesField("part", partial));

    Map<String, StringBuilder> words = new LinkedHashMap<>();
    for (String f : List.of("from", "to", "cc", "bcc", "subject")) {
      for (String v : root.headers(f)) {
        words.computeIfAbsent(f, k -> new StringBuilder()).append(HeaderText.decode(v)).append('\n');
      }
    }
    Readable readable = Readable.of(root, budget.attachmentChars(), decoded);
    Map<String, String> texts = new LinkedHashMap<>();
    words.forEach((f, b) -> texts.put(f, b.toString()));
    texts.put("body", readable.body());
    texts.put("attachment", readable.attachments());
    for (var e : texts.entrySet()) {
      String text = e.getValue();
      if (text.isBlank()) {
        continue;
      }
      if (text.length() <= WordTokens.MAX_CHARS) {
        WordTokens tokens = WordTokens.of(text); // broken into words once for both fields
        d.add(new Field(Analyzers.WORDS + e.getKey(), tokens.words(), TextField.TYPE_NOT_STORED));
        d.add(new Field(Analyzers.STEMS + e.getKey(), tokens.stems(), TextField.TYPE_NOT_STORED));
      } else { // a huge text is analysed twice rather than held a second time as tokens
        d.add(new TextField(Analyzers.WORDS + e.getKey(), text, Field.Store.NO));
        d.add(new TextField(Analyzers.STEMS + e.getKey(), text, Field.Store.NO));
      }
    }
    return d;
  }

  private static void grams(Document d, String field, List<String> strings) {
    d.add(new Field(field, Trigrams.stream(Trigrams.join(strings)), GRAMS));
  }

  /**
   * The text a person reads: text parts (HTML reduced to text), and apart from it the attachments'
   * names and, within {@code attachmentChars}, their text.
   */
  record Readable(String body, String attachments) {
    static Readable of(MimePart root, int attachmentChars) {
      return of(root, attachmentChars, Map.of());
    }

    /** As {@link #of(MimePart, int)}, taking a leaf's text from {@code decoded} when it holds the leaf. */
    static Readable of(MimePart root, int attachmentChars, Map<MimePart, String> decoded) {
      StringBuilder body = new StringBuilder();
      StringBuilder att = new StringBuilder();
      collect(root, body, att, new int[] {attachmentChars}, decoded);
      return new Readable(body.toString(), att.toString());
    }

    private static void collect(MimePart p, StringBuilder body, StringBuilder att, int[] left, Map<MimePart, String> decoded) {
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
            body.append(HeaderText.decode(v)).append('\n');
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
        att.append(name).append('\n');
      }
      if (!attached && p.type().equals("text")) {
        body.append(AttachmentText.text(p, decoded.get(p), Integer.MAX_VALUE)).append('\n');
      } else if (left[0] > 0) {
        String t = AttachmentText.text(p, decoded.get(p), left[0]);
        left[0] -= t.length();
        att.append(t).append('\n');
      }
    }
  }
}
