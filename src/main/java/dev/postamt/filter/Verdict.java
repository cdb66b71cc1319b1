package dev.postamt.filter;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What one scan decided: the total score (rounded to one decimal, the number the headers show and the
 * thresholds are compared with, so that {@code X-Spam-Score: 5.0} is never {@code X-Spam-Status: No} at a
 * threshold of 5.0), the symbols that scored, and the action the {@code [spam]} thresholds name.
 *
 * @param score the sum of the symbols' scores, rounded to one decimal
 * @param required {@code spam.add_header}: from this score the message is spam
 * @param symbols the symbols with a score other than 0 (a {@code score NAME 0} line disables a symbol,
 *     as in SpamAssassin; sub-rules named {@code __…} are never shown), highest score first
 * @param action what the server does with the message
 * @param outbound an authenticated submission, judged by {@code spam.outbound_reject} alone
 * @param truncated only the first {@code spam.max_size} bytes were scanned
 * @param autolearn what the after-scan learners did ({@code spam}, {@code ham}, {@code no}), or {@code
 *     disabled} when none ran
 * @param scanTime how long the checks took
 */
public record Verdict(
    double score,
    double required,
    List<Symbol> symbols,
    Action action,
    boolean outbound,
    boolean truncated,
    String autolearn,
    Duration scanTime) {

  /** What the score asks the server to do; for an outbound message only {@link #NO_ACTION} or {@link #REJECT}. */
  public enum Action {
    /** Delivered as it is (inbound mail still gets {@code X-Spam-Status: No}). */
    NO_ACTION,
    /** Tagged as spam: {@code X-Spam-Flag: YES}; the default Sieve script files it into Junk. */
    ADD_HEADER,
    /** Held in the quarantine instead of delivered (250 to the client). */
    QUARANTINE,
    /** Refused at the end of DATA with {@code 550 5.7.1}. */
    REJECT;

    private final String word = name().toLowerCase(Locale.ROOT);

    /** The name for logs and reports: {@code add_header}, {@code reject}, … */
    public String word() {
      return word;
    }
  }

  /** Highest score first, then by name. */
  static final Comparator<Symbol> BY_SCORE = Comparator.comparingDouble(Symbol::score).reversed()
      .thenComparing(Symbol::name);

  public Verdict {
    symbols = sorted(symbols, BY_SCORE);
  }

  /**
   * {@code symbols} in {@code order}, unmodifiable: the list itself when it is already so (a verdict copied
   * with its learners' word, {@code SpamScanner.scan}), else a sorted copy; no stream per verdict.
   */
  static List<Symbol> sorted(List<Symbol> symbols, Comparator<Symbol> order) {
    for (int i = 1; i < symbols.size(); i++) {
      if (order.compare(symbols.get(i - 1), symbols.get(i)) > 0) {
        List<Symbol> copy = new java.util.ArrayList<>(symbols);
        copy.sort(order);
        return List.copyOf(copy);
      }
    }
    return List.copyOf(symbols);
  }

  /** Whether the message is spam: its score reaches {@link #required} ({@code X-Spam-Flag: YES}). */
  public boolean spam() {
    return score >= required;
  }

  /** The score without the symbols {@code excluded} picks (autolearn leaves out Bayes' own), unrounded. */
  public double scoreWithout(Predicate<Symbol> excluded) {
    double sum = 0;
    for (Symbol s : symbols) {
      if (!excluded.test(s)) {
        sum += s.score();
      }
    }
    return sum;
  }

  /** The {@code n} symbols that count most for spam ({@code "BAYES_99 (3.5), URIBL_BLACK (1.7)"}), for logs and reasons. */
  public String top(int n) {
    StringBuilder b = new StringBuilder();
    for (Symbol s : symbols) {
      if (s.score() <= 0 || n-- <= 0) {
        break;
      }
      b.append(b.isEmpty() ? "" : ", ").append(s.name()).append(" (").append(number(s.score())).append(')');
    }
    return b.isEmpty() ? "no symbols" : b.toString();
  }

  /** One decimal, as SpamAssassin prints {@code score=} and {@code required=}. */
  public static String oneDecimal(double d) {
    if (!Double.isFinite(d) || Math.abs(d) > 1e12) {
      double r = Math.round(d * 10) / 10.0;
      return String.format(Locale.ROOT, "%.1f", r == 0 ? 0.0 : r); // no "-0.0"
    }
    // the same digits without a Formatter: a scan writes this half a dozen times per message
    long tenths = Math.round(d * 10);
    long a = Math.abs(tenths);
    return (tenths < 0 ? "-" : "") + (a / 10) + "." + (a % 10);
  }

  /**
   * A symbol's score as SpamAssassin's {@code tests=} list writes it: at least one decimal, at most four,
   * no trailing zeros ({@code 2.0}, {@code 1.25}, {@code -0.001}).
   */
  public static String number(double d) {
    if (Math.abs(d) < 1e9) {
      // A score of at most four decimals (every score of a rule file or a check): those digits without a
      // BigDecimal, three to five times a message. The double is then t / 10^4 exactly, and below 10^9 no
      // other number of four decimals is that double, so it is what the BigDecimal below gives too.
      long t = Math.round(d * 10_000);
      if (t / 10_000.0 == d) {
        return tenThousandths(t);
      }
    }
    java.math.BigDecimal b = java.math.BigDecimal.valueOf(d).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
    if (b.signum() == 0) {
      return "0.0";
    }
    if (b.scale() < 1) {
      b = b.setScale(1);
    }
    return b.toPlainString();
  }

  /** {@code t} / 10^4 as {@link #number} writes it: at least one decimal, no trailing zeros. */
  private static String tenThousandths(long t) {
    if (t == 0) {
      return "0.0";
    }
    long a = Math.abs(t);
    long frac = a % 10_000;
    int digits = 4;
    while (digits > 1 && frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    StringBuilder b = new StringBuilder(12);
    if (t < 0) {
      b.append('-');
    }
    b.append(a / 10_000).append('.');
    String f = Long.toString(frac);
    for (int i = f.length(); i < digits; i++) {
      b.append('0');
    }
    return b.append(f).toString();
  }
}
