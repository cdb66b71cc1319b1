package dev.postamt.imap;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The "base subject" of RFC 5256 §2.1, which SORT SUBJECT orders by and THREAD groups by, and the
 * comparator that SORT uses for strings.
 *
 * <p>The input is the Subject with its RFC 2047 words already decoded to Unicode (step 1, done by the
 * caller with {@code HeaderText.decode}). The grammar of §5, matched case-insensitively:
 *
 * <pre>
 * subj-refwd   = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
 * subj-blob    = "[" *BLOBCHAR "]" *WSP
 * subj-fwd     = "[fwd:" subject "]"
 * subj-leader  = (*subj-blob subj-refwd) / WSP
 * subj-trailer = "(fwd)" / WSP
 * </pre>
 *
 * A subject from which a subj-refwd, a "(fwd)" trailer or a subj-fwd wrapper was removed is a reply or
 * forward; THREAD=REFERENCES (§2.2 step 5) uses that to pick the thread's head.
 */
record BaseSubject(String text, boolean replyOrForward) {

  /** RFC 5256 §2.1 steps 1 (white space part) to 7. */
  static BaseSubject of(String decoded) {
    if (decoded == null) {
      return new BaseSubject("", false);
    }
    // Step 1: tabs and line ends (continuations) to spaces, runs of spaces to one.
    StringBuilder b = new StringBuilder(decoded.length());
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c == '\t' || c == '\r' || c == '\n') {
        c = ' ';
      }
      if (c == ' ' && !b.isEmpty() && b.charAt(b.length() - 1) == ' ') {
        continue;
      }
      b.append(c);
    }
    String s = b.toString();
    boolean fwd = false;
    while (true) {
      // Step 2: trailers, as long as there are any.
      while (true) {
        if (s.endsWith(" ")) {
          s = s.substring(0, s.length() - 1);
        } else if (s.regionMatches(true, Math.max(0, s.length() - 5), "(fwd)", 0, 5) && s.length() >= 5) {
          s = s.substring(0, s.length() - 5);
          fwd = true;
        } else {
          break;
        }
      }
      // Steps 3 to 5: leaders and blobs until neither is left.
      boolean changed = true;
      while (changed) {
        changed = false;
        while (true) {
          if (s.startsWith(" ")) {
            s = s.substring(1);
            changed = true;
            continue;
          }
          int n = leader(s);
          if (n < 0) {
            break;
          }
          s = s.substring(n);
          fwd = true;
          changed = true;
        }
        int blob = blob(s, 0);
        if (blob > 0 && !s.substring(blob).isBlank()) { // step 4: only if a subj-base is left
          s = s.substring(blob);
          changed = true;
        }
      }
      // Step 6: "[fwd: subject]" gives up its wrapper, and extraction starts over from step 2.
      if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
        s = s.substring(5, s.length() - 1);
        fwd = true;
        continue;
      }
      return new BaseSubject(s, fwd);
    }
  }

  /** The length of a {@code *subj-blob subj-refwd} at the start of {@code s}, or -1. */
  private static int leader(String s) {
    int i = 0;
    for (int next = blob(s, i); next > 0; next = blob(s, i)) {
      i = next;
    }
    if (s.regionMatches(true, i, "re", 0, 2)) {
      i += 2;
    } else if (s.regionMatches(true, i, "fwd", 0, 3)) {
      i += 3;
    } else if (s.regionMatches(true, i, "fw", 0, 2)) {
      i += 2;
    } else {
      return -1;
    }
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    int afterBlob = blob(s, i);
    if (afterBlob > 0) {
      i = afterBlob;
    }
    return i < s.length() && s.charAt(i) == ':' ? i + 1 : -1;
  }

  /** The end of a {@code subj-blob} (trailing white space included) starting at {@code i}, or -1. */
  private static int blob(String s, int i) {
    if (i >= s.length() || s.charAt(i) != '[') {
      return -1;
    }
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != '[' && s.charAt(j) != ']') {
      j++;
    }
    if (j >= s.length() || s.charAt(j) != ']') {
      return -1;
    }
    j++;
    while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
      j++;
    }
    return j;
  }

  /**
   * The comparison form of a string under {@code i;unicode-casemap} (RFC 5051: each character to its
   * titlecase, then NFKD); for ASCII that is {@code i;ascii-casemap} (upper case). Strings so mapped
   * compare by code point, which is the octet order of their UTF-8 that both comparators define.
   */
  static String casemap(String s) {
    boolean ascii = true;
    for (int i = 0; i < s.length() && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    if (ascii) {
      return s.toUpperCase(Locale.ROOT);
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> b.appendCodePoint(Character.toTitleCase(cp)));
    return Normalizer.normalize(b, Normalizer.Form.NFKD);
  }

  /**
   * Code-point order (String.compareTo would order by UTF-16 units, wrong above U+FFFF): at the first
   * unit that differs, surrogates are moved above the rest of the BMP, which makes UTF-16 unit order
   * code-point order (a lead surrogate decides where its code point sorts).
   */
  static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        return Integer.compare(codePointRank(ca), codePointRank(cb));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  private static int codePointRank(char c) {
    if (c < Character.MIN_SURROGATE) {
      return c;
    }
    return Character.isSurrogate(c) ? c + 0x2000 : c - 0x800;
  }
}
