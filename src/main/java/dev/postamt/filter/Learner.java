package dev.postamt.filter;

import java.io.IOException;

/**
 * An action after a scan that learns from its verdict: Bayes' autolearn ({@code spam.autolearn}) learns
 * a message scoring far above or below the thresholds, with the score its own symbols did not add
 * ({@link Verdict#scoreWithout}). A learner never changes the verdict; one that fails is logged and the
 * message goes on (learning is a bonus, the mail is not at stake).
 */
@FunctionalInterface
public interface Learner {
  /**
   * @return what was learned, for {@code autolearn=} in {@code X-Spam-Status} ({@code spam}, {@code ham},
   *     {@code no}), or null for no opinion
   */
  String afterScan(ScanInput input, Verdict verdict) throws IOException;
}
