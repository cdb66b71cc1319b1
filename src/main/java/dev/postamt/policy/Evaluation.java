package dev.postamt.policy;

import dev.postamt.config.Policy.Restriction;
import java.util.List;
import java.util.Optional;

/**
 * The checks that ran for one stage, in order, and the refusal that ends it if any.
 *
 * @param steps every check that ran, with its answer
 * @param refusal the step whose refusal is the reply; empty when the stage passes
 * @param effects what access maps asked for besides the answer (DISCARD, HOLD, PREPEND, REDIRECT), in
 *     order, for the session to apply to the message; meaningless when refused
 */
public record Evaluation(List<Step> steps, Optional<Step> refusal, List<Effect> effects) {
  /**
   * One check.
   *
   * @param list the {@code [policy]} list it belongs to
   * @param applied false for a {@code warn_if_reject} check, whose refusal is only logged
   */
  public record Step(String list, Restriction restriction, CheckResult result, boolean applied) {}

  public boolean refused() {
    return refusal.isPresent();
  }
}
