package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A regex that begins with a word boundary and an ASCII word character is tried only where a match can
 * start ({@link StartGuard}): the hits, their counts and the evidence stay those of a search at every
 * position, and a start the guard cannot read gives no guard.
 */
class StartGuardTest {
  @Test
  void readsOnlyStartsItCanVouchFor() {
    for (String re : List.of("(?:\\b[A-Z]{2,}[ ,.!]+){12}", "\\bfoo", "(\\b[a-c_0-9]x)+", "(?:(?:\\bq)){2}y",
        "\\bA+", "\\b[Ab]{1,3}", "\\bfoo|bar", "(?:\\bA|B)C", "x\\bA", "\\b(?:ab)", "\\b(?:earn|make) \\d|\\bextra",
        "<font", "!{3}.*!{3}", "[a-z]<!--", "(?:\\bA)?B", "(?:\\bA)*B", "(?:\\bA){0,2}B", "\\b\\w", "\\(\\bA",
        "\\$\\d", "a|\\$", "\\b(?:we accept|(?:check or )?money order)", "\\b\\d+(?:\\.\\d+)? (?:million|billion)",
        "\\s+x", "\\b<a", "\\b\\s", "\\b(?:US\\s?)?\\$\\d")) {
      assertThat(StartGuard.of(Pattern.compile(re))).as(re).isNotNull();
    }
    assertThat(StartGuard.of(Pattern.compile("\\bfoo", Pattern.CASE_INSENSITIVE))).isNotNull();
    // behind \b a punctuation character is looked for everywhere, not at word starts
    assertThat(StartGuard.of(Pattern.compile("\\b\\$\\d|\\bfoo")).boundary()).isFalse();
    assertThat(StartGuard.of(Pattern.compile("\\b(?:1 )?\\d|\\bfoo")).boundary()).isTrue();
    for (String re : List.of("(?:\\bA|)C", "foo|", "(?:\\bA)?", "(?:a?)?b",
        "(?=x)\\bA", "(?i)\\bA", "\\b[^A]", "\\b{g}A", "\\b[A-Z]*x", "\\b[A-Z]?x", "\\b[A-Z]{0,2}x",
        "\\b[0-z]", "\\b[a-]", "\\Bab", "\\b", "\\b\\QA|B\\E", "^\\s*dear", "\\x41", "\\b\\p{L}",
        "(?<n>\\bA)", "(?>\\bA)")) {
      assertThat(StartGuard.of(Pattern.compile(re))).as(re).isNull();
    }
    assertThat(StartGuard.of(Pattern.compile("\\bk", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))).isNull();
  }

  @Test
  void findsTheStartsASearchAtEveryPositionFinds() {
    StartGuard g = StartGuard.of(Pattern.compile("\\b[A-C]"));
    String text = "xA A_A 1B é\u0301C ,C";
    int at = -1;
    StringBuilder starts = new StringBuilder();
    while ((at = g.next(text, at + 1)) >= 0) {
      starts.append(at).append(' ');
    }
    assertThat(starts.toString()).isEqualTo("3 12 15 ");
  }

  /** A start whose next character no alternative can go on with is no start. */
  @Test
  void readsTheSecondCharacterWhereThePatternTellsIt() {
    StartGuard g = StartGuard.of(Pattern.compile("\\b(?:we accept|visa)", Pattern.CASE_INSENSITIVE));
    assertThat(starts(g, "wo we vo visa WEll ve")).isEqualTo("3 9 14 ");
    assertThat(starts(g, "a w")).isEmpty(); // a second character is needed
    assertThat(starts(StartGuard.of(Pattern.compile("\\b[A-Z]{2,}")), "A Ab AB aB ABC")).isEqualTo("5 11 ");
    assertThat(starts(StartGuard.of(Pattern.compile("\\b(?:a|b)c")), "ax bx ac")).isEqualTo("0 3 6 "); // "a" alone: any
    assertThat(starts(StartGuard.of(Pattern.compile("(?:x\\.)?\\$\\d")), "$a x. x.1 $1 x$")).isEqualTo("3 6 10 ");
    // behind \b: the word characters at word starts, a punctuation character wherever it stands
    assertThat(starts(StartGuard.of(Pattern.compile("\\b(?:US\\s?)?\\$\\d", Pattern.CASE_INSENSITIVE)),
        "just US$1 $2 a$3 us$")).isEqualTo("5 7 10 14 17 ");
  }

  private static String starts(StartGuard g, String text) {
    StringBuilder out = new StringBuilder();
    int at = -1;
    while ((at = g.next(text, at + 1)) >= 0) {
      out.append(at).append(' ');
    }
    return out.toString();
  }

  /** Reading only the text's word starts finds the positions reading every character finds. */
  @Test
  void wordStartsGiveTheSamePositions() {
    for (StartGuard g : List.of(StartGuard.of(Pattern.compile("\\b[A-C_1]", Pattern.CASE_INSENSITIVE)),
        StartGuard.of(Pattern.compile("\\bx|\\b(?:a|1)")), StartGuard.of(Pattern.compile("a|!")),
        StartGuard.of(Pattern.compile("\\b(?:ab|Cx|1_|(?:x )?b\\d)", Pattern.CASE_INSENSITIVE)))) {
      wordStartsGiveTheSamePositions(g);
    }
  }

  private static void wordStartsGiveTheSamePositions(StartGuard g) {
    String alphabet = "AaBbCcxX_1,.!é\u0301\u00a0\n ";
    Random rnd = new Random(7);
    for (int round = 0; round < 500; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, len = rnd.nextInt(80); i < len; i++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String text = b.toString();
      int[] starts = StartGuard.wordStarts(text);
      for (int from = 0; from <= text.length(); from++) {
        assertThat(g.next(text, starts, from)).as("%s from %d", text, from).isEqualTo(g.next(text, from));
      }
    }
  }

  @Test
  void guardedRulesGiveTheSameHitsCountsAndEvidenceAsUnguarded() throws Exception {
    List<String> regexes = List.of("/(?:\\b[A-Z]{2,}[ ,.!]+){3}/", "/\\bAB+/", "/\\bab\\b/i", "/(\\b[a-c]\\w)+ x/",
        "/\\b[A-Z]{2,}/", "/(?:\\bC[a-z]*){2}/", "/\\bB(?<=\\bB)/", "/\\b(?:ab|ca|x)b?/i", "/ab|\\bc/",
        "/!{2}.*!/", "/(?:b|c)a/i", "/\\bA(?:b|c)|\\bC/", "/a(?<=\\ba)/", "/[a-c]_/", "/\\b(?:1|_)x?/",
        "/\\b(?:ab|ca|xb)c/i", "/(?:x_?)?ab/", "/\\b(?:1 )?b\\d/", "/\\$\\d/", "/\\b\\d+(?:\\.\\d+)? x/",
        "/\\b(?:a\\sb|c\\.a)/i", "/\\bA\\w/", "/\\b(?:x\\s?)?\\$\\s?1/i", "/\\b,a|\\bC/", "/(?:\\bA){0,2}B/", "/\\b[A-C]{2,}[ ,]/i");
    String alphabet = "AaBbCc xX_1,.!$é\u0301\u00a0\n";
    Random rnd = new Random(42);
    for (int k = 0; k < regexes.size(); k++) {
      StringBuilder cf = new StringBuilder();
      cf.append("body __R ").append(regexes.get(k)).append("\ntflags __R multiple maxhits=30\n");
      cf.append("body SHOWN ").append(regexes.get(k)).append('\n');
      cf.append("rawbody RAW ").append(regexes.get(k)).append('\n');
      for (int n = 1; n <= 30; n++) {
        cf.append("meta AT_LEAST_").append(n).append(" __R >= ").append(n).append('\n');
      }
      RuleSet rules = RuleSet.ofTexts(Map.of("g.cf", cf.toString()));
      RuleSet plain = rules.unfiltered();
      for (int round = 0; round < 150; round++) {
        StringBuilder body = new StringBuilder();
        for (int i = 0, len = rnd.nextInt(300); i < len; i++) {
          body.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        byte[] mail = ("Subject: t\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body.toString().replace("\n", "\r\n"))
            .getBytes(StandardCharsets.UTF_8);
        assertThat(symbols(rules, mail)).as("%s over %s", regexes.get(k), body).isEqualTo(symbols(plain, mail));
      }
    }
  }

  private static List<String> symbols(RuleSet rules, byte[] mail) throws java.io.IOException {
    Findings f = new Findings();
    ScanInput in = new ScanInput(ScannedMessage.of(mail), "192.0.2.1", "mx.example.org", null, "a@example.org",
        List.of("b@example.net"), List.of(), Authentication.NONE, Instant.now());
    rules.check().check(in, f);
    rules.metaCheck().check(in, f);
    return f.all().stream().map(s -> s.name() + " " + s.score() + " " + s.reason()).toList();
  }
}
