package dev.postamt.filter.pipeline;

import dev.postamt.antivirus.AttachmentCheck;
import dev.postamt.config.Config;
import dev.postamt.config.Spam;
import dev.postamt.dns.Resolver;
import dev.postamt.filter.Check;
import dev.postamt.filter.SpamScanner;
import dev.postamt.filter.bayes.Bayes;
import dev.postamt.filter.forgery.HeaderForgery;
import dev.postamt.filter.rules.RuleSet;
import dev.postamt.filter.uri.UriLists;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the content scan the config asks for: the {@link SpamScanner} with its checks in their fixed
 * order, the operator's scores, and the after-scan learners (Bayes autolearn; the automatic whitelist
 * of the addresses a user writes to). The server builds one per config and shares it between its SMTP
 * listeners; {@code postamt check message} and {@code spam scan} build one for a dry run.
 *
 * <p>Order: rules (header, body, rawbody, uri, full), header forgery, URI lists, white- and blacklists,
 * the attachment rules, checksums, Bayes, and last the meta rules, which read the symbols of all the others.
 */
public final class Filters {
  private static final Logger log = LoggerFactory.getLogger(Filters.class);

  private Filters() {}

  /**
   * A scanner with databases of its own, closed with it (the command line).
   *
   * @param dns for the URI lists (null: no DNS lists)
   * @throws IOException a rule file or a database that cannot be read
   */
  public static SpamScanner open(Config config, Resolver dns) throws IOException {
    Stores stores = Stores.open(config);
    try {
      return open(config, dns, stores).closing(stores);
    } catch (IOException | RuntimeException e) {
      stores.close();
      throw e;
    }
  }

  /** A scanner using {@code stores}, which stay open when it is closed (the server's, shared). */
  public static SpamScanner open(Config config, Resolver dns, Stores stores) throws IOException {
    Spam spam = config.spam();
    List<Check> checks = new ArrayList<>();
    Map<String, Double> scores = new HashMap<>();
    RuleSet rules = RuleSet.load(spam.rules()).scanning(spam.bodyPartScanSize(), spam.rawbodyPartScanSize());
    scores.putAll(rules.scores());
    if (!rules.warnings().isEmpty()) {
      log.info("spam rules: {} rule(s) skipped (postamt check message shows the rest); first: {}",
          rules.warnings().size(), rules.warnings().getFirst());
    }
    checks.add(rules.check());
    checks.add(new HeaderForgery(config.hostname()));
    if (dns != null && !spam.uribl().isEmpty()) {
      checks.add(new UriLists(spam.uribl(), dns, spam.dnsTimeout()));
    }
    checks.add(stores.lists().check());
    checks.add(new AttachmentCheck());
    if (spam.checksums()) {
      checks.add(stores.training().checksums().check());
    }
    Bayes bayes = stores.training().bayes();
    if (spam.bayes()) {
      checks.add(bayes.check());
    }
    checks.add(rules.metaCheck()); // last: meta rules read every other symbol
    SpamScanner scanner = new SpamScanner(spam, checks, scores);
    if (spam.bayes() && spam.autolearn()) {
      scanner.learner((in, v) -> {
        if (in.outbound()) {
          return null;
        }
        double without = v.scoreWithout(Bayes::ownSymbol);
        bayes.autolearn(in, without);
        return without >= spam.autolearnSpam() ? "spam" : without <= spam.autolearnHam() ? "ham" : "no";
      });
    }
    if (spam.autoWhitelist()) {
      // senders a user has written to are welcome in that user's mail (SpamAssassin's auto-welcomelist, simplified)
      scanner.learner((in, v) -> {
        if (in.outbound() && !v.spam() && in.authUser() != null) {
          stores.lists().rememberRecipients(in.authUser(), in.recipients());
        }
        return null;
      });
    }
    return scanner;
  }
}
