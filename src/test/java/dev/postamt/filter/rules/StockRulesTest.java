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
    RuleSet set = RuleSet.load(List.of(STOCK), false);
    LoadReport r = set.report();
    System.out.println("StockRulesTest: " + r.summary());
    r.warnings().stream().filter(w -> w.contains("regex")).limit(40).forEach(w -> System.out.println("  " + w));
    assertThat(r.seen()).isGreaterThan(1000);
    assertThat(r.share()).isGreaterThan(0.6);
    assertThat(set.scores()).containsKey("BAYES_99");
    assertThat(set.running()).contains("DRUG_ED_CAPS");
  }

  /** Speed and effect of the stock rules (with ours) over a sample of the corpus; printed, not asserted on timing. */
  @Test
  void stockRulesOverTheCorpus() throws Exception {
    assumeTrue(Files.isDirectory(STOCK), "SpamAssassin's rules are not installed at " + STOCK + ": skipped");
    List<Path> ham = CorpusRulesTest.files("ham");
    List<Path> spam = CorpusRulesTest.files("spam");
    assumeTrue(!ham.isEmpty() && !spam.isEmpty(), "corpus not found: skipped");
    RuleSet set = RuleSet.load(List.of(STOCK));
    int[] tagged = new int[2];
    int[] count = new int[2];
    long nanos = 0;
    for (int kind = 0; kind < 2; kind++) {
      List<Path> files = kind == 0 ? ham : spam;
      for (int i = 0; i < files.size(); i += 8) {
        dev.postamt.filter.ScannedMessage m = CorpusRulesTest.parse(files.get(i));
        long t0 = System.nanoTime();
        double score = CorpusRulesTest.scan(m, set).total(s -> false);
        nanos += System.nanoTime() - t0;
        count[kind]++;
        tagged[kind] += score >= 5 ? 1 : 0;
      }
    }
    java.util.Map<String, Long> nanosByRule = new java.util.HashMap<>();
    for (int i = 0; i < spam.size(); i += 32) {
      dev.postamt.filter.ScannedMessage m = CorpusRulesTest.parse(spam.get(i));
      set.profile(new dev.postamt.filter.ScanInput(m, "", "", null, "", List.of(), List.of(),
          dev.postamt.filter.Authentication.NONE, java.time.Instant.now()), nanosByRule);
    }
    nanosByRule.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
        .forEach(e -> System.out.printf("  slowest: %-28s %8.1f ms%n", e.getKey(), e.getValue() / 1e6));
    System.out.printf("StockRulesTest: %d rules running; %d messages, %.0f msgs/s (rules alone); score >= 5: ham %d"
            + " of %d, spam %d of %d%n", set.running().size(), count[0] + count[1],
        (count[0] + count[1]) / (nanos / 1e9),
        tagged[0], count[0], tagged[1], count[1]);
    assertThat(tagged[1]).as("spam tagged by the stock rules").isGreaterThan(0);
  }

  /**
   * The pre-filters and start guards ({@link LiteralScan}, {@link StartGuard}) change no hit, count or
   * evidence of the stock rules, whose regexes take every form the guards read: a sample of the corpus
   * scanned with them and without ({@link RuleSet#unfiltered}).
   */
  @Test
  void guardedStockRulesHitWhatTheUnfilteredOnesHit() throws Exception {
    assumeTrue(Files.isDirectory(STOCK), "SpamAssassin's rules are not installed at " + STOCK + ": skipped");
    List<Path> files = new java.util.ArrayList<>(CorpusRulesTest.files("ham"));
    files.addAll(CorpusRulesTest.files("spam"));
    assumeTrue(!files.isEmpty(), "corpus not found: skipped");
    RuleSet set = RuleSet.load(List.of(STOCK));
    RuleSet plain = set.unfiltered();
    int hits = 0;
    for (int i = 0; i < files.size(); i += 24) {
      dev.postamt.filter.ScannedMessage m = CorpusRulesTest.parse(files.get(i));
      List<String> guarded = symbols(CorpusRulesTest.scan(m, set));
      assertThat(guarded).as("%s", files.get(i).getFileName()).isEqualTo(symbols(CorpusRulesTest.scan(m, plain)));
      hits += guarded.size();
    }
    assertThat(hits).isGreaterThan(files.size() / 24); // the rules do hit
  }

  private static List<String> symbols(dev.postamt.filter.Findings f) {
    return f.all().stream().map(x -> x.name() + " " + x.score() + " " + x.reason()).toList();
  }
}
