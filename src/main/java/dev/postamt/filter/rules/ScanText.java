package dev.postamt.filter.rules;

import dev.postamt.filter.ScannedMessage;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts rules read, made from one message as SpamAssassin makes them: the body of {@code body} rules
 * (paragraphs squeezed), the {@code rawbody} text (HTML markup kept), and the fields of every MIME part
 * for {@code mimeheader} rules. Apart from {@link RuleEngine} because how a text is cut and squeezed
 * decides what a rule can match, and is tested on its own ({@code ScanTextTest}), while the engine
 * decides which rule runs over which text.
 */
final class ScanText {
  static final int MAX_TEXT = 256 * 1024;

  /** SpamAssassin's {@code body_part_scan_size} (since 3.4.3): characters of each text part body rules read. */
  static final int BODY_PART_SCAN_SIZE = 50_000;
  /** SpamAssassin's {@code rawbody_part_scan_size}: characters of each text part rawbody rules read. */
  static final int RAWBODY_PART_SCAN_SIZE = 500_000;

  private ScanText() {}

  private static String cut(String s) {
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
  }

  /** The body as body rules read it, each text part cut at {@link #BODY_PART_SCAN_SIZE}. */
  static String bodyText(ScannedMessage m) {
    return bodyText(m, BODY_PART_SCAN_SIZE);
  }

  /**
   * The body as body rules read it: the Subject, then each text part ({@link ScannedMessage#visibleText()}
   * part by part) cut at {@code partLimit} characters ({@link #cutPart}), cut into paragraphs at empty
   * lines, white space inside a paragraph squeezed to one space, paragraphs joined with {@code \n}; at
   * most {@link #MAX_TEXT} characters in all.
   */
  static String bodyText(ScannedMessage m, int partLimit) {
    String subject = m.first("Subject");
    List<ScannedMessage.TextPart> parts = m.textParts();
    // what visibleText() holds, segment by segment (each read up to its end), with the line breaks that follow each
    List<String> segments = new ArrayList<>(parts.size() + 1);
    int[] ends = new int[parts.size() + 1];
    int size = subject.length() + 1;
    int nl = subject.indexOf('\n');
    String first = nl < 0 ? subject : subject.substring(0, nl);
    segments.add(nl < 0 ? "" : subject.substring(nl + 1));
    ends[0] = segments.getFirst().length();
    for (ScannedMessage.TextPart p : parts) {
      String t = p.text();
      int cut = cutPart(t, partLimit);
      ends[segments.size()] = cut;
      segments.add(t);
      size += cut + 2;
    }
    // the characters are read a block at a time from an array and the words copied whole into another: no
    // copy of each part, no StringBuilder
    Out b = new Out(Math.min(size, MAX_TEXT) + 1);
    b.append(first).append('\n'); // the Subject is a paragraph of its own
    char[] in = new char[BLOCK];
    boolean pending = false;
    int newlines = 0;
    for (int k = 0; k < segments.size() && b.length < MAX_TEXT; k++) {
      String t = segments.get(k);
      int n = ends[k];
      boolean inWord = false; // a word goes on from the block before
      for (int from = 0; from < n && b.length < MAX_TEXT; from += BLOCK) {
        int len = Math.min(BLOCK, n - from);
        t.getChars(from, from + len, in, 0);
        int i = 0;
        while (i < len && b.length < MAX_TEXT) {
          if (!inWord) {
            char c = in[i];
            if (space(c)) {
              pending = true;
              if (c == '\n') {
                newlines++;
              }
              i++;
              continue;
            }
            b.flush(pending, newlines);
            pending = false;
            newlines = 0;
            inWord = true;
          }
          int start = i;
          while (i < len && !space(in[i])) {
            i++;
          }
          b.append(in, start, Math.min(i, start + Math.max(0, MAX_TEXT - b.length)));
          inWord = i == len;
        }
      }
      pending = true; // the line break(s) after the segment: one after the Subject, an empty line after a part
      newlines += k == 0 ? 1 : 2;
    }
    return new String(b.chars, 0, Math.min(b.length, MAX_TEXT));
  }

  /** Characters {@link #bodyText} reads at a time. */
  private static final int BLOCK = 4096;

  /** The characters of {@link #bodyText} as they are written, in an array that grows if it must. */
  private static final class Out {
    char[] chars;
    int length;

    Out(int capacity) {
      chars = new char[capacity];
    }

    private void room(int n) {
      if (length + n > chars.length) {
        chars = java.util.Arrays.copyOf(chars, Math.max(chars.length * 2, length + n));
      }
    }

    Out append(char c) {
      room(1);
      chars[length++] = c;
      return this;
    }

    Out append(String s) {
      room(s.length());
      s.getChars(0, s.length(), chars, length);
      length += s.length();
      return this;
    }

    void append(char[] a, int from, int to) {
      if (to > from) {
        room(to - from);
        System.arraycopy(a, from, chars, length, to - from);
        length += to - from;
      }
    }

    /** Writes the white space seen before a word: a paragraph break for two line breaks or more, else one space. */
    void flush(boolean pending, int newlines) {
      if (pending && length > 0 && chars[length - 1] != '\n') {
        append(newlines >= 2 ? '\n' : ' ');
      }
    }
  }

  /** White space as body rules squeeze it (a no-break space included). */
  private static boolean space(char c) {
    return c == ' ' || c == '\u00a0' || (c <= ' ' || c > 0x7f) && Character.isWhitespace(c);
  }

  /**
   * The rawbody text: each text part (HTML with its markup) cut at {@code partLimit} characters, parts
   * separated by an empty line, at most {@link #MAX_TEXT} characters in all.
   */
  static String rawBodyText(ScannedMessage m, int partLimit) {
    StringBuilder b = new StringBuilder();
    for (ScannedMessage.TextPart p : m.textParts()) {
      String t = p.html() != null ? p.html() : p.text();
      b.append(t, 0, cutPart(t, partLimit)).append("\n\n");
      if (b.length() >= MAX_TEXT) {
        break;
      }
    }
    return cut(b.toString());
  }

  /**
   * What {@code literals.scan(rawBodyText(m, partLimit))} finds, read from the parts as they are, without
   * building the text (a copy of every text part) for a message whose rawbody rules all lack their strings.
   */
  static java.util.BitSet rawBodyFound(LiteralScan literals, ScannedMessage m, int partLimit) {
    LiteralScan.Pass pass = literals.pass();
    int total = 0;
    for (ScannedMessage.TextPart p : m.textParts()) {
      String t = p.html() != null ? p.html() : p.text();
      int end = Math.min(cutPart(t, partLimit), MAX_TEXT - total);
      pass.feed(t, 0, end);
      total += end;
      int sep = Math.min(2, MAX_TEXT - total);
      pass.feed("\n\n", 0, sep);
      total += sep;
      if (total >= MAX_TEXT) {
        break;
      }
    }
    return pass.found();
  }

  /**
   * Where a part's text is cut for a scan of at most {@code limit} characters: at the last white space
   * before the limit, so that no word is cut in two, unless that is more than 1,000 characters back
   * (one long word), then at the limit. SpamAssassin 3.4.3 cuts each part likewise ({@code
   * body_part_scan_size}, {@code rawbody_part_scan_size}): spam puts its pitch first, and a regex over
   * the 500th kilobyte of an attachment finds nothing a reader sees.
   */
  static int cutPart(String t, int limit) {
    if (t.length() <= limit) {
      return t.length();
    }
    for (int i = limit; i > limit - 1000 && i > 0; i--) {
      if (Character.isWhitespace(t.charAt(i - 1))) {
        return i;
      }
    }
    return limit;
  }

  static List<String> mimeHeaders(ScannedMessage m, HeaderTarget target) {
    List<String> out = new ArrayList<>();
    collect(m.root(), target, out, 0);
    return out;
  }

  private static void collect(MimePart p, HeaderTarget target, List<String> out, int depth) {
    if (depth > 32) {
      return;
    }
    for (String v : p.headers(target.firstName())) {
      out.add(target.raw() ? v : HeaderText.decode(HeaderText.unfold(v)).strip());
    }
    for (MimePart c : p.children()) {
      collect(c, target, out, depth + 1);
    }
    if (p.message() != null) {
      collect(p.message(), target, out, depth + 1);
    }
  }
}
