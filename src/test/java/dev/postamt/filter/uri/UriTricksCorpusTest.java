package dev.postamt.filter.uri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.filter.Findings;
import dev.postamt.filter.Symbol;
import dev.postamt.filter.forgery.CorpusSample;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The link tricks (no DNS) on the public corpus: how much ham they mark, printed, with a loose bound. */
class UriTricksCorpusTest {
  record Figures(int messages, int over, Map<String, Integer> hits, List<String> examples) {}

  static Figures run(List<Path> files, int keep) {
    UriLists check = new UriLists(List.of(), null, java.time.Duration.ofSeconds(1));
    Map<String, Integer> hits = new TreeMap<>();
    List<String> examples = new java.util.ArrayList<>();
    int over = 0;
    for (Path p : files) {
      Findings f = new Findings();
      check.check(CorpusSample.input(p), f);
      f.all().forEach(s -> hits.merge(s.name(), 1, Integer::sum));
      if (f.total(s -> false) >= 1.0) {
        over++;
        if (examples.size() < keep) {
          examples.add(p.getFileName() + " " + f.all().stream().map(Symbol::reason).toList());
        }
      }
    }
    return new Figures(files.size(), over, hits, examples);
  }

  @Test
  void hamRarelyHasLinkTricks() {
    assumeTrue(CorpusSample.present(), "corpus not present");
    Figures ham = run(CorpusSample.testPart("ham"), 10);
    Figures spam = run(CorpusSample.testPart("spam"), 0);
    double hamRate = 100.0 * ham.over() / ham.messages();
    System.out.printf(Locale.ROOT, "uri: ham with a point or more: %d of %d (%.2f%%); spam: %d of %d (%.1f%%)%n",
        ham.over(), ham.messages(), hamRate, spam.over(), spam.messages(), 100.0 * spam.over() / spam.messages());
    System.out.println("uri: ham symbols " + ham.hits());
    System.out.println("uri: spam symbols " + spam.hits());
    ham.examples().forEach(e -> System.out.println("uri: ham example " + e));
    assertThat(hamRate).isLessThan(1.5);
  }
}
