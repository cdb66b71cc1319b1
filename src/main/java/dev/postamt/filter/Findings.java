package dev.postamt.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The symbols found so far in one scan, in the order found; a name is kept once (the first reason
 * wins, as a rule fires once in SpamAssassin). Scores given here are the checks' defaults; the scanner
 * applies the operator's {@code score} lines afterwards. Not thread-safe: one scan, one thread.
 */
public final class Findings {
  private final Map<String, Symbol> symbols = new LinkedHashMap<>();

  /** Adds a symbol unless one of that name is already there. */
  public void add(String name, double score, String reason) {
    symbols.putIfAbsent(name, new Symbol(name, score, reason));
  }

  public void add(Symbol s) {
    symbols.putIfAbsent(s.name(), s);
  }

  public boolean has(String name) {
    return symbols.containsKey(name);
  }

  public Symbol get(String name) {
    return symbols.get(name);
  }

  /** Every symbol, in the order found. */
  public List<Symbol> all() {
    return new ArrayList<>(symbols.values());
  }

  /** The sum of the scores, those of {@code excluded} left out (autolearn leaves out Bayes' own). */
  public double total(java.util.function.Predicate<Symbol> excluded) {
    double sum = 0;
    for (Symbol s : symbols.values()) {
      if (!excluded.test(s)) {
        sum += s.score();
      }
    }
    return sum;
  }
}
