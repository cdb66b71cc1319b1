package dev.postamt.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Spam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scanner: thresholds, score overrides, a failing check skipped, IOException deferred, outbound, learners. */
class SpamScannerTest {
  /** add_header 5, quarantine 15, reject 20, outbound_reject 10: the defaults. */
  static Spam spam(double addHeader, double quarantine, double reject, double outboundReject, boolean autolearn) {
    return new Spam(true, addHeader, quarantine, reject, List.of(), outboundReject, 2L << 20, true, false, 200, autolearn,
        12.0, 0.1, Duration.ofDays(180), true, List.of(), true, true, List.of(), List.of(), List.of(), List.of(), List.of(),
        Duration.ofSeconds(3), 50_000, 500_000);
  }

  static final Spam DEFAULTS = spam(5, 15, 20, 10, true);

  static ScanInput input(String authUser) {
    ScannedMessage m = ScannedMessage.of("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    return new ScanInput(m, "192.0.2.1", "client.example", authUser, "a@example.org", List.of("bob@example.test"),
        List.of("bob@example.test"), Authentication.NONE, Instant.now());
  }

  /** A check that adds the symbols given as name, score pairs. */
  static Check adds(Object... nameScore) {
    return (in, out) -> {
      for (int i = 0; i < nameScore.length; i += 2) {
        out.add((String) nameScore[i], ((Number) nameScore[i + 1]).doubleValue(), "because " + nameScore[i]);
      }
    };
  }

  static Verdict scan(double total) throws IOException {
    return new SpamScanner(DEFAULTS, List.of(adds("A", total)), Map.of()).scan(input(null));
  }

  @Test
  void theThresholdsNameTheAction() throws IOException {
    assertThat(scan(4.9).action()).isEqualTo(Verdict.Action.NO_ACTION);
    assertThat(scan(4.9).spam()).isFalse();
    assertThat(scan(5.0).action()).isEqualTo(Verdict.Action.ADD_HEADER);
    assertThat(scan(5.0).spam()).isTrue();
    assertThat(scan(14.9).action()).isEqualTo(Verdict.Action.ADD_HEADER);
    assertThat(scan(15).action()).isEqualTo(Verdict.Action.QUARANTINE);
    assertThat(scan(20).action()).isEqualTo(Verdict.Action.REJECT);
    assertThat(scan(-3).action()).isEqualTo(Verdict.Action.NO_ACTION);
  }

  @Test
  void theScoreIsTheRoundedSumAndTheThresholdsCompareWithWhatTheHeaderShows() throws IOException {
    Verdict v = new SpamScanner(DEFAULTS, List.of(adds("A", 2.48), adds("B", 2.5)), Map.of()).scan(input(null));
    assertThat(v.score()).isEqualTo(5.0); // 4.98 shows as 5.0, and 5.0 is spam
    assertThat(v.action()).isEqualTo(Verdict.Action.ADD_HEADER);
    assertThat(v.required()).isEqualTo(5.0);
  }

  @Test
  void scoreLinesWinOverTheChecksDefaultsAndZeroDisablesASymbol() throws IOException {
    SpamScanner s = new SpamScanner(DEFAULTS, List.of(adds("A", 1.0, "B", 2.0, "C", 3.0, "__SUB", 7.0)),
        Map.of("A", 6.5, "C", 0.0));
    Verdict v = s.scan(input(null));
    assertThat(v.symbols()).extracting(Symbol::name).containsExactly("A", "B"); // highest first; C off; __SUB never counts
    assertThat(v.symbols().getFirst().score()).isEqualTo(6.5);
    assertThat(v.symbols().getFirst().reason()).isEqualTo("because A");
    assertThat(v.score()).isEqualTo(8.5);
  }

  @Test
  void aCheckThatThrowsIsSkippedAndTheOthersStillCount() throws IOException {
    Check broken = (in, out) -> {
      out.add("HALF_DONE", 1.0, "added before the failure");
      throw new IllegalStateException("bug");
    };
    Check deep = (in, out) -> {
      throw new StackOverflowError();
    };
    Verdict v = new SpamScanner(DEFAULTS, List.of(adds("BEFORE", 2.0), broken, deep, adds("AFTER", 3.0)), Map.of())
        .scan(input(null));
    assertThat(v.symbols()).extracting(Symbol::name).contains("BEFORE", "AFTER");
    assertThat(v.action()).isEqualTo(Verdict.Action.ADD_HEADER);
  }

  @Test
  void anIOExceptionPropagatesSoTheServerDefers() {
    Check db = (in, out) -> {
      throw new IOException("token database locked");
    };
    assertThatThrownBy(() -> new SpamScanner(DEFAULTS, List.of(db), Map.of()).scan(input(null)))
        .isInstanceOf(IOException.class).hasMessageContaining("locked");
  }

  @Test
  void outboundMailIsOnlyRejectedOverOutboundReject() throws IOException {
    SpamScanner high = new SpamScanner(DEFAULTS, List.of(adds("A", 9.9)), Map.of());
    Verdict tagged = high.scan(input("alice@example.test"));
    assertThat(tagged.outbound()).isTrue();
    assertThat(tagged.spam()).isTrue(); // logged as suspicious, but sent
    assertThat(tagged.action()).isEqualTo(Verdict.Action.NO_ACTION);
    Verdict refused = new SpamScanner(DEFAULTS, List.of(adds("A", 10.0)), Map.of()).scan(input("alice@example.test"));
    assertThat(refused.action()).isEqualTo(Verdict.Action.REJECT);
    // 17 would be quarantined inbound; outbound there is no quarantine, only reject
    Spam lenient = spam(5, 15, 20, 30, true);
    assertThat(new SpamScanner(lenient, List.of(adds("A", 17.0)), Map.of()).scan(input("alice@example.test")).action())
        .isEqualTo(Verdict.Action.NO_ACTION);
  }

  @Test
  void learnersRunAfterAScanButNotAfterADryRunAndTheirFailureIsNotTheMessages() throws IOException {
    List<Double> learned = new ArrayList<>();
    SpamScanner s = new SpamScanner(DEFAULTS, List.of(adds("BAYES_99", 3.5, "OTHER", 9.0)), Map.of())
        .learner((in, v) -> {
          learned.add(v.scoreWithout(sym -> sym.name().startsWith("BAYES_")));
          return "spam";
        })
        .learner((in, v) -> {
          throw new IOException("disk full");
        });
    Verdict v = s.scan(input(null));
    assertThat(learned).containsExactly(9.0);
    assertThat(v.autolearn()).isEqualTo("spam");
    assertThat(v.score()).isEqualTo(12.5);
    assertThat(s.dryRun(input(null)).autolearn()).isEqualTo("no");
    assertThat(learned).hasSize(1);

    SpamScanner off = new SpamScanner(spam(5, 15, 20, 10, false), List.of(adds("A", 1.0)), Map.of())
        .learner((in, x) -> {
          learned.add(0.0);
          return "ham";
        });
    // with autolearn off the learners still run (the automatic whitelist is one; Bayes' checks the switch
    // itself), and the header says autolearn=disabled
    assertThat(off.scan(input(null)).autolearn()).isEqualTo("disabled");
    assertThat(learned).hasSize(2);
  }

  @Test
  void theVerdictNamesItsTopSymbolsAndTheScanTime() throws IOException {
    Verdict v = new SpamScanner(DEFAULTS, List.of(adds("LOW", 0.5, "HIGH", 3.0, "NEG", -1.0, "MID", 1.25)), Map.of())
        .scan(input(null));
    assertThat(v.top(2)).isEqualTo("HIGH (3.0), MID (1.25)");
    assertThat(v.top(10)).isEqualTo("HIGH (3.0), MID (1.25), LOW (0.5)");
    Check slow = (in, out) -> {
      long until = System.nanoTime() + 5_000_000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    };
    assertThat(new SpamScanner(DEFAULTS, List.of(slow), Map.of()).scan(input(null)).scanTime())
        .isGreaterThanOrEqualTo(Duration.ofMillis(5));
    assertThat(new SpamScanner(DEFAULTS, List.of(), Map.of()).scan(input(null)).top(5)).isEqualTo("no symbols");
  }
}
