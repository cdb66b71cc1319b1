package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Debian's SpamAssassin rules ({@code /usr/share/spamassassin}, installed by {@code .ci/run}) load
 * for the most part; the figure goes into docs/spam.md.
 */
class StockRulesTest {
  static final Path STOCK = Path.of("/usr/share/spamassassin");

  @Test
  void mostOfTheStockRulesLoad() throws Exception {
    assumeTrue(Files.isDirectory(STOCK), "SpamAssassin's rules are not installed at " + STOCK + ": skipped");
    RuleSet set = RuleSet.load(List.of(STOCK));
    LoadReport r = set.report();
    System.out.println("StockRulesTest: " + r.summary());
    r.warnings().stream().filter(w -> w.contains("regex")).limit(40).forEach(w -> System.out.println("  " + w));
    assertThat(r.seen()).isGreaterThan(1000);
    assertThat(r.share()).isGreaterThan(0.6);
    assertThat(set.scores()).containsKey("BAYES_99");
    assertThat(set.running()).contains("DRUG_ED_CAPS");
  }
}
