package dev.postamt.filter.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.config.Config;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bayes on the public SpamAssassin corpus: trained on a fixed 70% of ham and spam through the real
 * SQLite store, then asked about the other 30%. Ham given BAYES_95 or more is a false positive (below
 * 1%); spam given BAYES_80 or more is caught (most of it). The figures are printed.
 */
@org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES) // heavy: the whole corpus, under the full suite
class BayesCorpusTest {
  @TempDir Path dir;

  @Test
  void separatesTheHeldOutPartOfThePublicCorpus() throws Exception {
    assumeTrue(Corpus.present(), "corpus not present");
    Corpus.Split ham = Corpus.split("ham");
    Corpus.Split spam = Corpus.split("spam");
    try (Bayes bayes = new Bayes(Config.defaults().spam(), SqliteBayesStore.open(dir), Clock.systemUTC())) {
      long t0 = System.nanoTime();
      for (Path p : ham.train()) {
        bayes.learn(ScannedMessage.of(Corpus.read(p)), false, null);
      }
      for (Path p : spam.train()) {
        bayes.learn(ScannedMessage.of(Corpus.read(p)), true, null);
      }
      long t1 = System.nanoTime();
      String explain = System.getProperty("postamt.bayes.explain");
      if (explain != null) {
        for (String name : explain.split(",")) {
          explain(bayes, Corpus.ROOT.resolve(name.startsWith("spam") ? "spam" : "ham").resolve(name));
        }
      }
      int[] hamBands = classify(bayes, ham.test());
      int[] spamBands = classify(bayes, spam.test());
      long t2 = System.nanoTime();

      int hamFp = hamBands[7] + hamBands[8]; // BAYES_95, BAYES_99
      int spamCaught = spamBands[6] + spamBands[7] + spamBands[8];
      double fpRate = (double) hamFp / ham.test().size();
      double recall = (double) spamCaught / spam.test().size();
      System.out.printf(Locale.ROOT, "bayes corpus: trained %d ham + %d spam in %.1f s; tested %d ham + %d spam in %.1f s"
              + " (%.0f msg/s)%n", ham.train().size(), spam.train().size(), (t1 - t0) / 1e9, ham.test().size(),
          spam.test().size(), (t2 - t1) / 1e9, (ham.test().size() + spam.test().size()) / ((t2 - t1) / 1e9));
      System.out.printf(Locale.ROOT, "bayes corpus: ham bands %s%n", java.util.Arrays.toString(hamBands));
      System.out.printf(Locale.ROOT, "bayes corpus: spam bands %s%n", java.util.Arrays.toString(spamBands));
      System.out.printf(Locale.ROOT, "bayes corpus: ham at BAYES_95+ %d (%.2f%%), spam at BAYES_80+ %d (recall %.2f%%)%n",
          hamFp, fpRate * 100, spamCaught, recall * 100);

      assertThat(fpRate).as("ham false positives at BAYES_95+").isLessThan(0.01);
      assertThat(recall).as("spam recall at BAYES_80+").isGreaterThan(0.90);
      assertThat(hamBands[0]).as("ham at BAYES_00").isGreaterThan(ham.test().size() * 8 / 10);
    }
  }

  /** Prints the significant tokens of one message (with -Dpostamt.bayes.explain=FILE,…). */
  private static void explain(Bayes bayes, Path file) throws Exception {
    ScannedMessage m = ScannedMessage.of(Corpus.read(file));
    BayesStore.Counts n = bayes.store().messages(BayesStore.GLOBAL);
    List<String> tokens = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(Tokenizer.strings(m)));
    long[] hashes = tokens.stream().mapToLong(Tokenizer::hash).toArray();
    int[] sp = new int[hashes.length];
    int[] hm = new int[hashes.length];
    bayes.store().tokens(BayesStore.GLOBAL, hashes, sp, hm);
    StringBuilder b = new StringBuilder("bayes explain " + file.getFileName() + ":\n");
    for (int i = 0; i < hashes.length; i++) {
      double f = Classifier.tokenProbability(sp[i], hm[i], n.spam(), n.ham());
      if (!Double.isNaN(f) && Math.abs(f - 0.5) >= Classifier.MIN_STRENGTH) {
        b.append(String.format(Locale.ROOT, "  %.3f s=%d h=%d %s%n", f, sp[i], hm[i], tokens.get(i)));
      }
    }
    System.out.println(b);
  }

  private static final List<String> BANDS = List.of(
      "BAYES_00", "BAYES_05", "BAYES_20", "BAYES_40", "BAYES_50", "BAYES_60", "BAYES_80", "BAYES_95", "BAYES_99");

  /** How many messages fell in each band (index as {@link #BANDS}; none: not counted). */
  private static int[] classify(Bayes bayes, List<Path> files) throws Exception {
    int[] bands = new int[BANDS.size()];
    for (Path p : files) {
      Findings f = new Findings();
      ScanInput in = new ScanInput(ScannedMessage.of(Corpus.read(p)), "", "", null, "", List.of(), List.of(),
          Authentication.NONE, Instant.now());
      bayes.check().check(in, f);
      for (Symbol s : f.all()) {
        int i = BANDS.indexOf(s.name());
        if (i >= 0) {
          bands[i]++;
          if (System.getProperty("postamt.bayes.debug") != null && (p.toString().contains("/spam/") ? i < 6 : i > 3)) {
            System.out.println("bayes corpus: " + s.name() + " " + p.getFileName() + " " + s.reason());
          }
        }
      }
    }
    return bands;
  }
}
