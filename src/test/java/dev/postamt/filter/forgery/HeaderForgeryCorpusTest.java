package dev.postamt.filter.forgery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.filter.Findings;
import dev.postamt.filter.Symbol;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The false-positive figure of the forgery check on the ham of the public corpus (its fixed-seed test
 * part), and how much of the spam it marks: printed, with loose bounds so that a change which makes
 * ham look forged fails the build.
 */
class HeaderForgeryCorpusTest {
  private static final double HAM_LIMIT = 1.0;

  record Figures(int messages, int over, Map<String, Integer> hits, List<String> examples, long checkNanos) {}

  private static Figures run(List<Path> files, int keepExamples) {
    HeaderForgery check = new HeaderForgery("mx.example.test");
    Map<String, Integer> hits = new TreeMap<>();
    List<String> examples = new java.util.ArrayList<>();
    int over = 0;
    long nanos = 0;
    for (Path p : files) {
      Findings f = new Findings();
      dev.postamt.filter.ScanInput in = CorpusSample.input(p);
      long start = System.nanoTime();
      check.check(in, f);
      nanos += System.nanoTime() - start;
      double total = f.total(s -> false);
      for (Symbol s : f.all()) {
        hits.merge(s.name(), 1, Integer::sum);
      }
      if (total > HAM_LIMIT) {
        over++;
        if (examples.size() < keepExamples) {
          examples.add(p.getFileName() + " " + total + " " + f.all());
        }
      }
    }
    return new Figures(files.size(), over, hits, examples, nanos);
  }

  @Test
  void hamRarelyGetsMoreThanAPointAndSpamOftenDoes() {
    assumeTrue(CorpusSample.present(), "corpus not present");
    Figures ham = run(CorpusSample.testPart("ham"), Integer.getInteger("forgery.examples", 5));
    Figures spam = run(CorpusSample.testPart("spam"), 0);
    double hamRate = 100.0 * ham.over() / ham.messages();
    double spamRate = 100.0 * spam.over() / spam.messages();
    System.out.printf(Locale.ROOT, "forgery: ham over %.1f point: %d of %d (%.2f%%); spam over: %d of %d (%.1f%%)%n",
        HAM_LIMIT, ham.over(), ham.messages(), hamRate, spam.over(), spam.messages(), spamRate);
    Figures warm = run(CorpusSample.testPart("ham"), 0); // the first pass paid for the JIT
    System.out.printf(Locale.ROOT, "forgery: %.0f us per message, warmed up (parsing the message not counted)%n",
        warm.checkNanos() / 1000.0 / warm.messages());
    System.out.println("forgery: ham symbols " + ham.hits());
    System.out.println("forgery: spam symbols " + spam.hits());
    ham.examples().forEach(e -> System.out.println("forgery: ham example " + e));
    assertThat(hamRate).as("share of ham scored above %s by the forgery check", HAM_LIMIT).isLessThan(1.5);
    assertThat(spamRate).as("share of spam scored above %s", HAM_LIMIT).isGreaterThan(25.0);
  }
}
