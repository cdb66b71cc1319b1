package dev.postamt.filter;

/**
 * One finding of the scan: a name in SpamAssassin's style ({@code UPPER_CASE}, {@code __} prefix for a
 * sub-rule that only meta rules use), its score and a one-line reason a person can read.
 */
public record Symbol(String name, double score, String reason) {
  public Symbol {
    if (!validName(name)) {
      throw new IllegalArgumentException("bad symbol name: " + name);
    }
    reason = reason == null ? "" : oneLine(reason);
  }

  /** {@code [A-Za-z0-9_]{1,100}}, checked without a regex: a scan makes a dozen symbols per message. */
  static boolean validName(String name) {
    if (name == null || name.isEmpty() || name.length() > 100) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Each run of CR, LF and TAB as one space, then stripped ({@code replaceAll("[\\r\\n\\t]+", " ").strip()}). */
  static String oneLine(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) != '\r' && s.charAt(i) != '\n' && s.charAt(i) != '\t') {
      i++;
    }
    if (i == s.length()) {
      return s.strip();
    }
    StringBuilder b = new StringBuilder(s.length()).append(s, 0, i);
    boolean inRun = false;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c == '\t') {
        if (!inRun) {
          b.append(' ');
        }
        inRun = true;
      } else {
        b.append(c);
        inRun = false;
      }
    }
    return b.toString().strip();
  }
}
