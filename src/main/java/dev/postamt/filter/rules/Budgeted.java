package dev.postamt.filter.rules;

/**
 * The text a regex reads, with a budget of character reads: a pattern that backtracks without end on
 * some input (an operator's rule, say) gives up after {@link #PER_CHAR} reads per character plus a
 * constant, and the rule counts as no hit, instead of holding the SMTP session. Java's regex engine
 * has no time-out of its own.
 */
final class Budgeted implements CharSequence {
  static final long PER_CHAR = 2_000;
  private static final long BASE = 1_000_000;

  private final String text;
  private long left;

  private Budgeted(String text, long budget) {
    this.text = text;
    this.left = budget;
  }

  static Budgeted of(String text) {
    return new Budgeted(text, BASE + PER_CHAR * text.length());
  }

  @Override
  public char charAt(int index) {
    if (--left < 0) {
      throw new BudgetExceeded();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.substring(start, end);
  }

  @Override
  public String toString() {
    return text;
  }

  /** A regex used up its budget on this text. */
  static final class BudgetExceeded extends RuntimeException {
    BudgetExceeded() {
      super("regex gave up", null, false, false);
    }
  }
}
