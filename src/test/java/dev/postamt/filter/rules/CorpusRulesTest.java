package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped rules over the public SpamAssassin corpus, split by the CRC-32 of the file name (70%
 * train, on which the scores were tuned; 30% held out). Prints each rule's hits on the training part
 * and the held-out figures; asserts on the held-out part only.
 */
class CorpusRulesTest {
  static final Path CORPUS = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));

  static List<Path> ham;
  static List<Path> spam;
  static RuleSet rules;

  @BeforeAll
  static void load() throws Exception {
    ham = files("ham");
    spam = files("spam");
    rules = RuleSet.load(List.of());
  }

  static List<Path> files(String kind) throws Exception {
    Path dir = CORPUS.resolve(kind);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
  }

  static boolean training(Path p) {
    CRC32 crc = new CRC32();
    crc.update(p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return crc.getValue() % 10 < 7;
  }

  /** The corpus files start with an mbox "From " line, which SMTP never delivers: drop it. */
  static byte[] read(Path p) throws Exception {
    byte[] b = Files.readAllBytes(p);
    if (b.length > 5 && new String(b, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("From ")) {
      int nl = 0;
      while (nl < b.length && b[nl] != '\n') {
        nl++;
      }
      return java.util.Arrays.copyOfRange(b, Math.min(b.length, nl + 1), b.length);
    }
    return b;
  }

  /** Parses the message and does the work every check shares (text, HTML, links). */
  static ScannedMessage parse(Path p) throws Exception {
    ScannedMessage m = ScannedMessage.of(read(p));
    m.visibleText();
    m.rawBody();
    dev.postamt.filter.uri.Uris.of(m);
    return m;
  }

  static Findings scan(ScannedMessage m, RuleSet rules) throws Exception {
    ScanInput in = new ScanInput(m, "", "", null, "", List.of(), List.of(), Authentication.NONE, Instant.now());
    Findings f = new Findings();
    rules.check().check(in, f);
    rules.metaCheck().check(in, f);
    return f;
  }

  @Test
  void theShippedRulesLoadWithoutWarnings() {
    assertThat(rules.warnings()).isEmpty();
    assertThat(rules.report().skippedByReason()).isEmpty();
  }

  @Test
  void heldOutHamIsNotTaggedAndSpamScoresHigher() throws Exception {
    assumeTrue(!ham.isEmpty() && !spam.isEmpty(), "corpus not found at " + CORPUS + ": skipped");
    Map<String, int[]> perRule = new TreeMap<>(); // [train ham, train spam]
    int[] testHam = new int[3]; // count, >= 5, >= 2
    int[] testSpam = new int[3];
    double hamSum = 0;
    double spamSum = 0;
    List<String> worstHam = new ArrayList<>();
    Map<String, Long> nanosByRule = new java.util.HashMap<>();
    long parseNanos = 0;
    long ruleNanos = 0;
    int scanned = 0;
    for (int kind = 0; kind < 2; kind++) {
      for (Path p : kind == 0 ? ham : spam) {
        long t0 = System.nanoTime();
        ScannedMessage m = parse(p);
        long t1 = System.nanoTime();
        Findings f = scan(m, rules);
        ruleNanos += System.nanoTime() - t1;
        rules.profile(new ScanInput(m, "", "", null, "", List.of(), List.of(), Authentication.NONE, Instant.now()),
            nanosByRule);
        parseNanos += t1 - t0;
        scanned++;
        double score = f.total(s -> false);
        if (training(p)) {
          for (Symbol s : f.all()) {
            perRule.computeIfAbsent(s.name(), k -> new int[2])[kind]++;
          }
          continue;
        }
        int[] c = kind == 0 ? testHam : testSpam;
        c[0]++;
        c[1] += score >= 5 ? 1 : 0;
        c[2] += score >= 2 ? 1 : 0;
        if (kind == 0) {
          hamSum += score;
          if (score >= 3) {
            List<String> names = f.all().stream().map(Symbol::name).toList();
            worstHam.add(String.format("%.1f %s %s", score, p.getFileName(), names));
          }
        } else {
          spamSum += score;
        }
      }
    }
    System.out.printf("CorpusRulesTest: %d messages; shipped rules alone %.0f msgs/s; parsing and decoding (shared"
        + " by all checks) %.0f msgs/s%n", scanned, scanned / (ruleNanos / 1e9), scanned / (parseNanos / 1e9));
    nanosByRule.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
        .forEach(e -> System.out.printf("  slowest: %-24s %6.1f ms%n", e.getKey(), e.getValue() / 1e6));
    perRule.forEach((k, v) -> System.out.printf("  %-24s train ham %4d  spam %4d%n", k, v[0], v[1]));
    System.out.printf("held out: ham %d, score>=5 %d (%.2f%%), >=2 %d, mean %.2f; spam %d, >=5 %d (%.1f%%), >=2 %d"
            + " (%.1f%%), mean %.2f%n", testHam[0], testHam[1], 100.0 * testHam[1] / testHam[0], testHam[2],
        hamSum / testHam[0], testSpam[0], testSpam[1], 100.0 * testSpam[1] / testSpam[0], testSpam[2],
        100.0 * testSpam[2] / testSpam[0], spamSum / testSpam[0]);
    worstHam.forEach(w -> System.out.println("  ham " + w));
    assertThat((double) testHam[1] / testHam[0]).as("held-out ham tagged by rules alone").isLessThan(0.005);
    assertThat(spamSum / testSpam[0]).as("mean spam score").isGreaterThan(hamSum / testHam[0] + 1.5);
    assertThat((double) testSpam[2] / testSpam[0]).as("held-out spam scoring 2 or more").isGreaterThan(0.4);
  }
}
