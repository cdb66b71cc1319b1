package dev.postamt.imap;

import java.util.List;

/** One FETCH data item (RFC 3501 §6.4.5); macros ALL/FAST/FULL are expanded by the parser. */
public sealed interface FetchAttr {
  /** Items without arguments. */
  enum Kind {
    FLAGS,
    INTERNALDATE,
    RFC822_SIZE,
    ENVELOPE,
    BODY,
    BODYSTRUCTURE,
    UID,
    RFC822,
    RFC822_HEADER,
    RFC822_TEXT,
    MODSEQ,
    /** RFC 8474 §5.1. */
    EMAILID,
    /** RFC 8474 §5.2. */
    THREADID,
    /** RFC 8514 §4.1. */
    SAVEDATE,
    /** RFC 8970 §3; the LAZY modifier is accepted and changes nothing ({@link Preview}). */
    PREVIEW
  }

  record Simple(Kind kind) implements FetchAttr {}

  /**
   * {@code BODY[part.spec]<origin.length>} or BODY.PEEK. {@code spec} is one of "", HEADER,
   * HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME; {@code origin} -1 when there is no partial.
   */
  record Section(boolean peek, List<Integer> part, String spec, List<String> fields, long origin, long length)
      implements FetchAttr {

    /** The section as echoed in the response: {@code 1.HEADER.FIELDS (From To)}. */
    public String label() {
      StringBuilder b = new StringBuilder();
      for (int p : part) {
        if (!b.isEmpty()) {
          b.append('.');
        }
        b.append(p);
      }
      if (!spec.isEmpty()) {
        if (!b.isEmpty()) {
          b.append('.');
        }
        b.append(spec);
      }
      if (spec.startsWith("HEADER.FIELDS")) {
        b.append(" (").append(String.join(" ", fields)).append(')');
      }
      return b.toString();
    }
  }

  /**
   * {@code BINARY[part]<origin.length>} or BINARY.PEEK (RFC 3516 §4.2, RFC 9051 §6.4.5): the part with
   * its Content-Transfer-Encoding undone; {@code origin} -1 when there is no partial.
   */
  record Binary(boolean peek, List<Integer> part, long origin, long length) implements FetchAttr {}

  /** {@code BINARY.SIZE[part]}: the size of the decoded part (RFC 3516 §4.2). */
  record BinarySize(List<Integer> part) implements FetchAttr {}

  /** A part number as echoed in the response: {@code 1.2}, or empty for the whole message. */
  static String partLabel(List<Integer> part) {
    StringBuilder b = new StringBuilder();
    for (int p : part) {
      if (!b.isEmpty()) {
        b.append('.');
      }
      b.append(p);
    }
    return b.toString();
  }
}
