package dev.postamt.filter;

import dev.postamt.config.Config;
import dev.postamt.config.Spam;
import dev.postamt.dns.Resolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the content scan the config asks for: the {@link SpamScanner} with its checks in their fixed
 * order, the operator's scores, and the after-scan learners. The server opens it once and shares it
 * between its SMTP listeners; {@code postamt check message} opens one for a single dry run.
 *
 * <p>The order of the checks matters only for the meta rules, which read the symbols of the others
 * and so run last.
 */
public final class Filters {
  private Filters() {}

  /**
   * The scanner for {@code config.spam()}; closing it closes what the checks hold open.
   *
   * @param dns for the URI lists (null: no DNS lists)
   * @throws IOException a rule file or a database that cannot be read
   */
  public static SpamScanner open(Config config, Resolver dns) throws IOException {
    Spam spam = config.spam();
    List<Check> checks = new ArrayList<>();
    Map<String, Double> scores = new HashMap<>();
    List<Learner> learners = new ArrayList<>();
    List<AutoCloseable> resources = new ArrayList<>();

    // ---- MERGE: the checks of the other spam packages are added here, in this order (issue 17 contract):
    //   RuleSet rules = RuleSet.load(spam.rules());            scores.putAll(rules.scores()); rules.warnings() logged
    //   checks.add(rules.check());
    //   checks.add(new HeaderForgery(config.hostname()));
    //   if (dns != null && !spam.uribl().isEmpty()) checks.add(new UriLists(spam.uribl(), dns, spam.dnsTimeout()));
    //   SpamLists lists = SpamLists.open(config);               checks.add(lists.check());
    //   if (spam.checksums()) { Checksums sums = Checksums.open(config); checks.add(sums.check()); resources.add(sums) if closeable }
    //   if (spam.bayes()) { Bayes bayes = Bayes.open(config); checks.add(bayes.check());
    //     learners.add((in, v) -> { bayes.autolearn(in, v.scoreWithout(s -> s.name().startsWith("BAYES_"))); return null; }); }
    //   checks.add(rules.metaCheck());                          // last: meta rules read every other symbol
    // ---- end MERGE

    SpamScanner scanner = new SpamScanner(spam, checks, scores);
    learners.forEach(scanner::learner);
    resources.forEach(scanner::closing);
    return scanner;
  }
}
