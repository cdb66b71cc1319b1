package dev.postamt.filter;

/**
 * One finding of the scan: a name in SpamAssassin's style ({@code UPPER_CASE}, {@code __} prefix for a
 * sub-rule that only meta rules use), its score and a one-line reason a person can read.
 */
public record Symbol(String name, double score, String reason) {
  public Symbol {
    if (name == null || !name.matches("[A-Za-z0-9_]{1,100}")) {
      throw new IllegalArgumentException("bad symbol name: " + name);
    }
    reason = reason == null ? "" : reason.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
