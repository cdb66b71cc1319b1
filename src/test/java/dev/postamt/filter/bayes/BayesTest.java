package dev.postamt.filter.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.postamt.config.Config;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier's arithmetic, and Bayes as a check: no score before enough is learned, the bands and
 * their reasons, per-user databases with the global fallback, autolearn and its limits.
 */
class BayesTest {
  @TempDir Path dir;

  private Bayes bayes(String spamToml) throws Exception {
    Path toml = dir.resolve("postamt.toml");
    Files.writeString(toml, "hostname = \"mx.example.test\"\ndata_dir = \"" + dir.resolve("data") + "\"\n[spam]\n" + spamToml);
    return Bayes.open(Config.load(toml, true));
  }

  private static int counter;

  /** A message about {@code topic}, different each time (its own Message-ID and a serial word). */
  static synchronized ScannedMessage message(String topic) {
    int i = counter++;
    String body = switch (topic) {
      case "spam" -> "Cheap replica watches and pills, buy now, limited offer, click here to order viagra today.";
      default -> "Hi Bob, the meeting about the build server moves to Thursday; the agenda and minutes are attached.";
    };
    String text = "From: someone@example.org\r\nSubject: " + topic + " " + i + "\r\nMessage-ID: <" + i + "." + topic
        + "@example.org>\r\n\r\n" + body + " serial" + i + "\r\n";
    return ScannedMessage.of(text.getBytes(StandardCharsets.UTF_8));
  }

  static ScanInput input(ScannedMessage m, String user, String authUser) {
    return new ScanInput(m, "192.0.2.1", "helo.example.org", authUser, "someone@example.org",
        user == null ? List.of() : List.of(user), user == null ? List.of() : List.of(user), Authentication.NONE,
        Instant.now());
  }

  static List<Symbol> scan(Bayes b, ScannedMessage m, String user) throws Exception {
    Findings f = new Findings();
    b.check().check(input(m, user, null), f);
    return f.all();
  }

  @Test
  void chiSquareAndBands() {
    assertThat(Classifier.chi2Survival(0, 10)).isEqualTo(1.0);
    assertThat(Classifier.chi2Survival(2, 2)).isCloseTo(Math.exp(-1), within(1e-12)); // Q(2, 2) = e^-1
    assertThat(Classifier.chi2Survival(10, 4)).isCloseTo(Math.exp(-5) * 6, within(1e-12));
    assertThat(Classifier.combine(new double[] {0.99, 0.99, 0.98}, 3)).isGreaterThan(0.99);
    assertThat(Classifier.combine(new double[] {0.01, 0.02, 0.01}, 3)).isLessThan(0.01);
    assertThat(Classifier.combine(new double[] {0.99, 0.01}, 2)).isCloseTo(0.5, within(1e-9));
    assertThat(Classifier.tokenProbability(0, 0, 10, 10)).isNaN();
    assertThat(Classifier.tokenProbability(10, 0, 10, 10)).isGreaterThan(0.95);
    assertThat(Classifier.tokenProbability(5, 5, 10, 10)).isCloseTo(0.5, within(0.01));
    assertThat(List.of(0.005, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 0.995).stream().map(Classifier::band).toList())
        .containsExactly("BAYES_00", "BAYES_05", "BAYES_20", "BAYES_40", "BAYES_50", "BAYES_60", "BAYES_80",
            "BAYES_95", "BAYES_99");
  }

  @Test
  void saysNothingUntilEnoughOfEachKindIsLearned() throws Exception {
    try (Bayes b = bayes("bayes_min_learned = 3\n")) {
      for (int i = 0; i < 3; i++) {
        b.learn(message("spam"), true, null);
      }
      for (int i = 0; i < 2; i++) {
        b.learn(message("ham"), false, null);
      }
      assertThat(scan(b, message("spam"), null)).isEmpty();
      b.learn(message("ham"), false, null);
      List<Symbol> spam = scan(b, message("spam"), null);
      assertThat(spam).extracting(Symbol::name).containsExactly("BAYES_99", "BAYES_999");
      assertThat(spam.getFirst().score()).isEqualTo(4.0);
      assertThat(spam.getFirst().reason()).matches("Bayes spam probability (0\\.99\\d|1\\.000) from \\d+ tokens");
      List<Symbol> ham = scan(b, message("ham"), null);
      assertThat(ham).extracting(Symbol::name).containsExactly("BAYES_00");
      assertThat(ham.getFirst().score()).isEqualTo(-1.9);
    }
  }

  @Test
  void perUserDatabasesFallBackToTheGlobalOne() throws Exception {
    try (Bayes b = bayes("bayes_min_learned = 2\nbayes_per_user = true\n")) {
      Training t = new Training(b, null, true);
      for (int i = 0; i < 2; i++) {
        t.learn(message("spam"), Training.Mode.SPAM, null, false);
        t.learn(message("ham"), Training.Mode.HAM, null, false);
      }
      assertThat(scan(b, message("spam"), "carol@example.test")).extracting(Symbol::name).contains("BAYES_99");
      assertThat(scan(b, message("spam"), "carol@example.test").getFirst().reason()).doesNotContain("carol");
      // carol calls the "spam" topic ham and the "ham" topic spam: her own database says so
      for (int i = 0; i < 2; i++) {
        t.learn(message("spam"), Training.Mode.HAM, "carol@example.test", false);
        t.learn(message("ham"), Training.Mode.SPAM, "carol@example.test", false);
      }
      List<Symbol> hers = scan(b, message("spam"), "carol@example.test");
      assertThat(hers).extracting(Symbol::name).containsExactly("BAYES_00");
      assertThat(hers.getFirst().reason()).endsWith("(carol@example.test's own)");
      assertThat(scan(b, message("spam"), "dave@example.test")).extracting(Symbol::name).contains("BAYES_99");
    }
  }

  @Test
  void autolearnsClearCasesOfInboundMailOnly() throws Exception {
    try (Bayes b = bayes("autolearn_spam = 12.0\nautolearn_ham = 0.1\n")) {
      ScannedMessage spam = message("spam");
      b.autolearn(input(spam, null, null), 14.0);
      b.autolearn(input(message("ham"), null, null), -1.0);
      b.autolearn(input(message("ham"), null, null), 3.0); // in between: not learned
      b.autolearn(input(message("spam"), null, "alice@example.test"), 30.0); // outbound: never
      assertThat(b.stats(null).spam()).isEqualTo(1);
      assertThat(b.stats(null).ham()).isEqualTo(1);
      // a person's decision stands against autolearn
      b.learn(spam, false, null);
      b.autolearn(input(spam, null, null), 14.0);
      assertThat(b.store().learned(BayesStore.GLOBAL, Bayes.digest(spam))).contains(false);
    }
    try (Bayes off = bayes("autolearn = false\n")) {
      off.autolearn(input(message("spam"), null, null), 50.0);
      assertThat(off.stats(null).spam()).isZero();
    }
  }

  @Test
  void staleTokensExpireOnceADay() throws Exception {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    java.util.concurrent.atomic.AtomicReference<Instant> time = new java.util.concurrent.atomic.AtomicReference<>(now);
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return time.get();
      }
    };
    Path toml = dir.resolve("postamt.toml");
    Files.writeString(toml, "data_dir = \"" + dir.resolve("data") + "\"\n[spam]\nbayes_token_ttl = \"30d\"\n");
    Config config = Config.load(toml, true);
    try (Bayes b = new Bayes(config.spam(), SqliteBayesStore.open(config.dataDir()), clock)) {
      b.store().learn(BayesStore.GLOBAL, "old", new long[] {1, 2}, true, false, now.minus(java.time.Duration.ofDays(40)));
      b.store().learn(BayesStore.GLOBAL, "new", new long[] {2, 3}, true, false, now);
      b.expireIfDue(false);
      assertThat(b.stats(null).tokens()).isEqualTo(2); // 1 expired; 2 was learned again
      b.store().learn(BayesStore.GLOBAL, "old2", new long[] {4}, true, false, now.minus(java.time.Duration.ofDays(40)));
      b.expireIfDue(false);
      assertThat(b.stats(null).tokens()).as("not again within a day").isEqualTo(3);
      time.set(now.plus(java.time.Duration.ofHours(25)));
      b.expireIfDue(false);
      assertThat(b.stats(null).tokens()).isEqualTo(2);
    }
  }

  @Test
  void theDigestIgnoresAddedHeadersAndLineEnds() {
    String body = "Message-ID: <x@example.org>\nSubject: hi\n\nline one\nline two\n";
    ScannedMessage lf = ScannedMessage.of(body.getBytes(StandardCharsets.UTF_8));
    ScannedMessage crlf = ScannedMessage.of(("Received: from a by b; Thu, 1 Jan 2026 00:00:00 +0000\n" + body)
        .replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    ScannedMessage other = ScannedMessage.of(body.replace("two", "2").getBytes(StandardCharsets.UTF_8));
    assertThat(Bayes.digest(lf)).isEqualTo(Bayes.digest(crlf)).hasSize(32).isNotEqualTo(Bayes.digest(other));
  }

  @Test
  void bayesOffAddsNothing() throws Exception {
    try (Bayes b = bayes("bayes = false\nbayes_min_learned = 1\n")) {
      b.learn(message("spam"), true, null);
      b.learn(message("ham"), false, null);
      assertThat(scan(b, message("spam"), null)).isEmpty();
    }
  }
}
