package dev.postamt.filter.rules;

import java.util.List;
import java.util.Map;

/**
 * What a load of rule files gave: rules seen (each name once, its last definition; rules inside the
 * block of a plugin we lack count as seen and skipped), rules loaded, the skipped ones counted by
 * reason, and the warnings (file:line, rule, construct).
 */
public record LoadReport(int seen, int loaded, Map<String, Integer> skippedByReason, List<String> warnings) {

  /** The share of the rules seen that loaded, 0..1. */
  public double share() {
    return seen == 0 ? 1 : (double) loaded / seen;
  }

  /** One line for a log or a report: {@code rules: 1430 seen, 1102 loaded (77.1%); skipped: …}. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append("rules: ").append(seen).append(" seen, ").append(loaded).append(" loaded (")
        .append(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share())).append(')');
    if (!skippedByReason.isEmpty()) {
      b.append("; skipped:");
      skippedByReason.forEach((k, v) -> b.append(' ').append(k).append(' ').append(v).append(','));
      b.setLength(b.length() - 1);
    }
    return b.toString();
  }
}
