package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The texts rules read, built once per message: the one-pass pre-filter ({@link LiteralScan}) finds
 * exactly the strings a search per string finds, the body text is what it was before it was built part
 * by part, and each part is cut at SpamAssassin's scan sizes.
 */
class ScanTextTest {
  private static final String ALPHABET = "abcXYZ xyz.-$Ää\u00a0\u212a";

  @Test
  void theAutomatonFindsWhatIndexOfFinds() {
    Random rnd = new Random(27);
    for (int round = 0; round < 300; round++) {
      List<String> strings = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(30); i < n; i++) {
        strings.add(RequiredLiterals.lower(random(rnd, 1 + rnd.nextInt(5))));
      }
      String text = random(rnd, rnd.nextInt(400));
      LiteralScan scan = LiteralScan.of(strings);
      BitSet found = scan.scan(text);
      String lower = RequiredLiterals.lower(text);
      for (String s : strings) {
        assertThat(scan.filter(List.of(s)).mayMatch(found)).as("%s in %s", s, text).isEqualTo(lower.contains(s));
      }
      byte[] latin1 = text.getBytes(StandardCharsets.ISO_8859_1); // unmappable chars become '?', in both
      BitSet fromBytes = scan.scan(latin1, latin1.length);
      String lowerBytes = RequiredLiterals.lower(new String(latin1, StandardCharsets.ISO_8859_1));
      for (String s : strings) {
        assertThat(scan.filter(List.of(s)).mayMatch(fromBytes)).isEqualTo(lowerBytes.contains(s));
      }
    }
  }

  /** The pass reads a run of the character a state stays on by compares alone: it must find the same. */
  @Test
  void theAutomatonFindsWhatIndexOfFindsInRunsOfOneCharacter() {
    Random rnd = new Random(16);
    String letters = "aAbx-X ";
    for (int round = 0; round < 300; round++) {
      List<String> strings = new ArrayList<>(List.of("aaab", "xx", "xxxy", "ab", "-a", "b a"));
      for (int i = 0, n = rnd.nextInt(6); i < n; i++) {
        strings.add(RequiredLiterals.lower(runs(rnd, letters, 1 + rnd.nextInt(6), 3)));
      }
      String text = runs(rnd, letters, rnd.nextInt(9000), 5000);
      LiteralScan scan = LiteralScan.of(strings);
      String lower = RequiredLiterals.lower(text);
      byte[] latin1 = text.getBytes(StandardCharsets.ISO_8859_1);
      BitSet found = scan.scan(text);
      BitSet fromBytes = scan.scan(latin1, latin1.length);
      for (String s : strings) {
        assertThat(scan.filter(List.of(s)).mayMatch(found)).as("%s", s).isEqualTo(lower.contains(s));
        assertThat(scan.filter(List.of(s)).mayMatch(fromBytes)).as("%s", s).isEqualTo(lower.contains(s));
      }
    }
  }

  /** {@code n} characters of {@code letters} in runs of up to {@code longest} of one. */
  private static String runs(Random rnd, String letters, int n, int longest) {
    StringBuilder b = new StringBuilder(n);
    while (b.length() < n) {
      b.repeat(letters.charAt(rnd.nextInt(letters.length())), Math.min(n - b.length(), 1 + rnd.nextInt(longest)));
    }
    return b.toString();
  }

  @Test
  void aRuleWithoutStringsAlwaysRunsAndTooLargeASetHasNoAutomaton() {
    LiteralScan scan = LiteralScan.of(List.of("ab"));
    assertThat(scan.filter(List.of()).mayMatch(scan.scan("zz"))).isTrue();
    assertThat(scan.filter(List.of("ab")).mayMatch(scan.scan("zz"))).isFalse();
    List<String> huge = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      huge.add("w" + Integer.toString(i, 36) + "\u0100" + (char) ('a' + i % 26) + "ÿ" + (char) (0x400 + i % 200));
    }
    assertThat(LiteralScan.of(huge)).isNull();
  }

  @Test
  void theBodyTextIsTheSameAsWhenItWasMadeFromTheWholeVisibleText() {
    List<String> bodies = List.of(
        "Hello  Alice,\r\n\r\n  buy\tcheap\u00a0pills now.\r\n\r\n\r\nBye \r\n",
        "",
        " \r\n\r\nonly after blanks\r\n",
        "a\u0001b \u2003 c\r\n\r\nd\u000be",
        "line one\r\nline two\r\n\r\n\r\n   \r\npara two   \r\n",
        // words and white space across the 4096-character blocks bodyText reads
        "w ".repeat(2047) + "longword".repeat(1200) + " \r\n\r\n" + "y".repeat(4094) + "  z\r\n" + "q".repeat(4096) + "\r\n",
        ("1" + "X".repeat(78) + "\r\n").repeat(200) + "  \r\n\r\nend");
    for (String body : bodies) {
      for (String subject : List.of("Subject: CHEAP  stuff\r\n", "", "Subject: =?UTF-8?Q?a=0Ab?=\r\n")) {
        ScannedMessage m = ScannedMessage.of((subject + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            + "Content-Type: text/plain\r\n\r\n" + body + "\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>one</p><p> two "
            + "</p>\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(ScanText.bodyText(m)).as("%s / %s", subject, body).isEqualTo(before(m.visibleText()));
      }
    }
  }

  @Test
  void eachPartIsCutAtTheScanSizeAtAWordBoundary() throws Exception {
    StringBuilder filler = new StringBuilder();
    while (filler.length() < 60_000) {
      filler.append("lorem ipsum dolor sit amet\r\n");
    }
    String mail = "Subject: long\r\nContent-Type: text/plain\r\n\r\n" + filler + "viagra\r\n";
    ScannedMessage m = ScannedMessage.of(mail.getBytes(StandardCharsets.US_ASCII));
    String body = ScanText.bodyText(m);
    assertThat(body).doesNotContain("viagra");
    assertThat(body.substring(body.lastIndexOf(' ') + 1)).isIn("lorem", "ipsum", "dolor", "sit", "amet"); // a whole word
    assertThat(body.length()).isBetween(45_000, 50_100);
    assertThat(ScanText.bodyText(m, 100_000)).contains("viagra");
    assertThat(ScanText.cutPart("abc def", 5)).isEqualTo(4);
    assertThat(ScanText.cutPart("x".repeat(3000), 2000)).isEqualTo(2000);

    String cf = "body T_BODY /viagra/\nrawbody T_RAW /viagra/\nfull T_FULL /viagra/\n";
    RuleSet rules = RuleSet.ofTexts(Map.of("t.cf", cf));
    assertThat(hits(rules, m)).containsExactlyInAnyOrder("T_RAW", "T_FULL");
    assertThat(hits(rules.scanning(100_000, 1_000), m)).containsExactlyInAnyOrder("T_BODY", "T_FULL");
  }

  @Test
  void theRawbodyPassOverThePartsFindsWhatAPassOverTheJoinedTextFinds() {
    Random rnd = new Random(31);
    for (int round = 0; round < 200; round++) {
      List<String> strings = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(20); i < n; i++) {
        strings.add(RequiredLiterals.lower(random(rnd, 1 + rnd.nextInt(4)).replace('.', '\n'))); // some span parts
      }
      LiteralScan scan = LiteralScan.of(strings);
      StringBuilder mail = new StringBuilder("Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
      for (int p = 0, parts = 1 + rnd.nextInt(4); p < parts; p++) {
        String html = rnd.nextBoolean() ? "html" : "plain";
        int n = round % 50 == 0 ? 90_000 : rnd.nextInt(300); // four large parts pass ScanText.MAX_TEXT
        mail.append("--b\r\nContent-Type: text/").append(html).append("; charset=utf-8\r\n\r\n")
            .append(random(rnd, n)).append("\r\n");
      }
      ScannedMessage m = ScannedMessage.of(mail.append("--b--\r\n").toString().getBytes(StandardCharsets.UTF_8));
      for (int limit : new int[] {ScanText.RAWBODY_PART_SCAN_SIZE, 100, 1000}) {
        assertThat(ScanText.rawBodyFound(scan, m, limit)).as("round %d limit %d", round, limit)
            .isEqualTo(scan.scan(ScanText.rawBodyText(m, limit)));
      }
    }
  }

  @Test
  void thePreFilteredRulesHitWhatTheUnfilteredRulesHitOnTheCorpus() throws Exception {
    List<java.nio.file.Path> files = new ArrayList<>(CorpusRulesTest.files("ham"));
    files.addAll(CorpusRulesTest.files("spam"));
    org.junit.jupiter.api.Assumptions.assumeTrue(!files.isEmpty(), "corpus not found: skipped");
    RuleSet rules = RuleSet.load(List.of());
    RuleSet plain = rules.unfiltered();
    int hits = 0;
    for (java.nio.file.Path p : files) {
      byte[] raw = CorpusRulesTest.read(p);
      List<String> filtered = symbols(rules, ScannedMessage.of(raw));
      assertThat(filtered).as("%s", p.getFileName()).isEqualTo(symbols(plain, ScannedMessage.of(raw)));
      hits += filtered.size();
    }
    assertThat(hits).isGreaterThan(files.size()); // the rules do hit
  }

  /** Every symbol with its score and reason (the evidence), body, rawbody and meta rules included. */
  private static List<String> symbols(RuleSet rules, ScannedMessage m) throws java.io.IOException {
    Findings f = new Findings();
    ScanInput in = new ScanInput(m, "192.0.2.1", "mx.example.org", null, "a@example.org", List.of("b@example.net"),
        List.of(), Authentication.NONE, Instant.now());
    rules.check().check(in, f);
    rules.metaCheck().check(in, f);
    return f.all().stream().map(s -> s.name() + " " + s.score() + " " + s.reason()).toList();
  }

  private static List<String> hits(RuleSet rules, ScannedMessage m) throws java.io.IOException {
    Findings f = new Findings();
    rules.check().check(new ScanInput(m, "192.0.2.1", "mx.example.org", null, "a@example.org", List.of("b@example.net"),
        List.of(), Authentication.NONE, Instant.now()), f);
    return f.all().stream().map(s -> s.name()).toList();
  }

  private static String random(Random rnd, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /** The body text as it was made before it was built part by part (the reference). */
  private static String before(String t) {
    StringBuilder b = new StringBuilder();
    int nl = t.indexOf('\n');
    int i = 0;
    if (nl >= 0) {
      b.append(t, 0, nl).append('\n');
      i = nl + 1;
    }
    int n = t.length();
    while (i < n) {
      char c = t.charAt(i);
      if (Character.isWhitespace(c) || c == '\u00a0') {
        int newlines = 0;
        while (i < n && (Character.isWhitespace(t.charAt(i)) || t.charAt(i) == '\u00a0')) {
          if (t.charAt(i) == '\n') {
            newlines++;
          }
          i++;
        }
        if (!b.isEmpty() && b.charAt(b.length() - 1) != '\n' && i < n) {
          b.append(newlines >= 2 ? '\n' : ' ');
        }
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString();
  }
}
