package dev.postamt.filter;

import dev.postamt.config.Spam;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Check}s of the content scan in order on one message and turns what they found into a
 * {@link Verdict}. Thread-safe as far as its checks are: one scanner serves every SMTP session.
 *
 * <ul>
 *   <li>A check that throws an unchecked exception (or overflows the stack on a pathological regular
 *       expression) is a bug of ours: it is logged and skipped, and the scan goes on with the others.
 *       Mail is never lost, nor refused, for a bug in a check.
 *   <li>An {@link IOException} (a database that cannot be read) propagates: the server defers the
 *       message ({@code 451 4.7.1}) rather than judge it half-blind.
 *   <li>The operator's {@code score} lines ({@code scores}) win over a check's default score; a score of
 *       0 disables a symbol (SpamAssassin's convention), and sub-rules named {@code __…} never count.
 *   <li>Thresholds ({@code [spam]}): inbound, {@code reject} then {@code quarantine} then {@code
 *       add_header}; an authenticated submission only {@code outbound_reject} (from {@code add_header} on
 *       it is logged as suspicious by the caller).
 * </ul>
 */
public final class SpamScanner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpamScanner.class);

  private final Spam config;
  private final List<Check> checks;
  private final Map<String, Double> scores;
  private final List<Learner> learners = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /**
   * @param checks run in this order (the meta rules last: they read the symbols of the others)
   * @param scores the operator's {@code score} lines, by symbol name
   */
  public SpamScanner(Spam config, List<Check> checks, Map<String, Double> scores) {
    this.config = config;
    this.checks = List.copyOf(checks);
    this.scores = Map.copyOf(scores);
  }

  /** Adds an action run after each {@link #scan} (not after {@link #dryRun}). */
  public SpamScanner learner(Learner l) {
    learners.add(l);
    return this;
  }

  /** Something to close with the scanner (a token database a check and a learner share). */
  public SpamScanner closing(AutoCloseable resource) {
    resources.add(resource);
    return this;
  }

  public Spam config() {
    return config;
  }

  /** Scans a message and runs the learners: the verdict of a message as the server receives it. */
  public Verdict scan(ScanInput in) throws IOException {
    Verdict v = evaluate(in);
    if (learners.isEmpty()) {
      return v;
    }
    String learned = null;
    for (Learner l : learners) {
      try {
        String said = l.afterScan(in, v);
        learned = learned == null ? said : learned;
      } catch (IOException | RuntimeException e) {
        log.warn("spam: after-scan learning by {} failed, not learned: {}", l.getClass().getSimpleName(), e.toString());
      }
    }
    return new Verdict(v.score(), v.required(), v.symbols(), v.action(), v.outbound(), v.truncated(),
        !config.autolearn() ? "disabled" : learned == null ? "no" : learned, v.scanTime());
  }

  /** Scans a message and learns nothing ({@code postamt check message}). */
  public Verdict dryRun(ScanInput in) throws IOException {
    return evaluate(in);
  }

  private Verdict evaluate(ScanInput in) throws IOException {
    long start = System.nanoTime();
    Findings found = new Findings();
    for (Check c : checks) {
      try {
        c.check(in, found);
      } catch (RuntimeException | StackOverflowError e) {
        log.warn("spam: check {} failed on this message, skipped: {}", c.getClass().getName(), e.toString(), e);
      }
    }
    List<Symbol> counted = new ArrayList<>();
    double sum = 0;
    for (Symbol s : found.all()) {
      if (s.name().startsWith("__")) {
        continue;
      }
      Double override = scores.get(s.name());
      double score = override != null ? override : s.score();
      if (score == 0 || !Double.isFinite(score)) {
        continue;
      }
      Symbol scored = score == s.score() ? s : new Symbol(s.name(), score, s.reason());
      counted.add(scored);
      sum += score;
    }
    double total = Math.round(sum * 10) / 10.0;
    Verdict.Action action = action(total, in.outbound());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Verdict(total, config.addHeader(), counted, action, in.outbound(), in.message().truncated(),
        learners.isEmpty() || !config.autolearn() ? "disabled" : "no", took);
  }

  /** The action for a score by the {@code [spam]} thresholds. */
  Verdict.Action action(double score, boolean outbound) {
    if (outbound) {
      return score >= config.outboundReject() ? Verdict.Action.REJECT : Verdict.Action.NO_ACTION;
    }
    if (score >= config.reject()) {
      return Verdict.Action.REJECT;
    }
    if (score >= config.quarantine()) {
      return Verdict.Action.QUARANTINE;
    }
    return score >= config.addHeader() ? Verdict.Action.ADD_HEADER : Verdict.Action.NO_ACTION;
  }

  /** Closes the checks, learners and resources that hold something open. */
  @Override
  public void close() {
    List<Object> all = new ArrayList<>(checks);
    all.addAll(learners);
    all.addAll(resources);
    java.util.Set<Object> closed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Object o : all) {
      if (o instanceof AutoCloseable c && closed.add(c)) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("spam: closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
      }
    }
  }
}
