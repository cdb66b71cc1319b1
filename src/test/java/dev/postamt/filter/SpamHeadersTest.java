package dev.postamt.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The X-Spam-* fields: SpamAssassin's format, folding at 78 columns, stars, ASCII only, which fields are ours. */
class SpamHeadersTest {
  static Verdict verdict(double score, Verdict.Action action, Symbol... symbols) {
    return new Verdict(score, 5.0, List.of(symbols), action, false, false, "no", Duration.ofMillis(3));
  }

  @Test
  void spamGetsTheFlagTheScoreTheStarsAndTheStatus() {
    String f = SpamHeaders.fields(verdict(6.1, Verdict.Action.ADD_HEADER,
        new Symbol("SYMBOL_B", 1.5, "second"), new Symbol("SYMBOL_A", 4.6, "first")));
    assertThat(f).startsWith("""
        X-Spam-Flag: YES\r
        X-Spam-Score: 6.1\r
        X-Spam-Level: ******\r
        X-Spam-Status: Yes, score=6.1 required=5.0 tests=SYMBOL_A=4.6,SYMBOL_B=1.5\r
        \tautolearn=no version=Postamt\r
        X-Spam-Report: score=6.1 required=5.0 action=add_header\r
        \t*  4.6 SYMBOL_A first\r
        \t*  1.5 SYMBOL_B second\r
        """);
  }

  @Test
  void hamHasNoFlagNoStarsAndNoTests() {
    String f = SpamHeaders.fields(verdict(-0.5, Verdict.Action.NO_ACTION));
    assertThat(f).doesNotContain("X-Spam-Flag").contains("X-Spam-Level:\r\n").contains("X-Spam-Score: -0.5\r\n")
        .contains("X-Spam-Status: No, score=-0.5 required=5.0 tests=none autolearn=no\r\n\tversion=Postamt\r\n");
  }

  @Test
  void starsAreWholePointsAtMostFifty() {
    assertThat(SpamHeaders.level(0.9)).isEmpty();
    assertThat(SpamHeaders.level(-7)).isEmpty();
    assertThat(SpamHeaders.level(3.99)).isEqualTo("***");
    assertThat(SpamHeaders.level(500)).hasSize(50);
  }

  @Test
  void aLongStatusIsFoldedAfterCommasAtSeventyEightColumns() {
    List<Symbol> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add(new Symbol("SOME_LONGER_RULE_NAME_" + i, 0.25 + i, "reason " + i));
    }
    Verdict v = verdict(500.0, Verdict.Action.REJECT, many.toArray(Symbol[]::new));
    String status = SpamHeaders.status(v);
    List<String> lines = status.lines().toList();
    assertThat(lines.size()).isGreaterThan(5);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
    assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l).startsWith("\t"));
    assertThat(status).endsWith("\r\n").doesNotContain("\r\n\r\n");
    // unfolded (RFC 5322 §2.2.3) and with the white space after the commas removed, it is SpamAssassin's one line
    String unfolded = status.replace(",\r\n\t", ",").replace("\r\n\t", " ").strip();
    assertThat(unfolded).startsWith("X-Spam-Status: Yes, score=500.0 required=5.0 tests=SOME_LONGER_RULE_NAME_0=0.25,")
        .contains("SOME_LONGER_RULE_NAME_9=9.25 autolearn=no").endsWith("version=Postamt");
  }

  @Test
  void theReportFoldsLongReasonsAndKeepsThemAscii() {
    String reason = "the Date header is 9 days before the first Received hop and this reason goes on for quite a while"
        + " so that it must be folded, \u00fcber alles";
    String report = SpamHeaders.report(verdict(2.0, Verdict.Action.NO_ACTION, new Symbol("DATE_IN_PAST_96_XX", 2.0, reason)));
    List<String> lines = report.lines().toList();
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
    assertThat(lines.get(1)).startsWith("\t*  2.0 DATE_IN_PAST_96_XX the Date header is 9 days");
    assertThat(report.replace("\r\n\t", " ")).contains("must be folded, ?ber alles").matches("[\\x09\\x0a\\x0d\\x20-\\x7e]*");
  }

  @Test
  void theReportSaysWhenOnlyTheStartWasScanned() {
    Verdict v = new Verdict(16, 5.0, List.of(), Verdict.Action.QUARANTINE, false, true, "disabled", Duration.ZERO);
    String report = SpamHeaders.report(v);
    assertThat(report.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
    assertThat(report.replace("\r\n\t", " ")).isEqualTo(
        "X-Spam-Report: score=16.0 required=5.0 action=quarantine (only the start of the message was scanned)\r\n");
  }

  /**
   * A third of the public corpus' subjects as reasons (every charset, encoded words, very long ones): the fields are
   * always ASCII, no line passes 998 characters, and they parse back as exactly our five fields.
   */
  @Test
  void realSubjectsAsReasonsGiveWellFormedFields() throws Exception {
    java.nio.file.Path corpus = java.nio.file.Path.of("/work/shared/testdata/corpus");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(corpus), "no corpus here");
    List<java.nio.file.Path> files;
    try (var s = java.nio.file.Files.walk(corpus)) {
      files = s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(1000);
    files = java.util.stream.IntStream.range(0, files.size()).filter(i -> i % 3 == 0).mapToObj(files::get).toList(); // a third is enough
    SpamScanner scanner = new SpamScanner(SpamScannerTest.DEFAULTS, List.of((in, out) -> {
      out.add("SUBJECT_ECHO", 5.5, in.message().first("Subject"));
      out.add("FROM_ECHO", -0.1, "From is " + in.message().first("From"));
    }), java.util.Map.of());
    for (java.nio.file.Path f : files) {
      ScannedMessage m = ScannedMessage.of(java.nio.file.Files.readAllBytes(f));
      ScanInput in = new ScanInput(m, "192.0.2.1", "x", null, "", List.of(), List.of(), Authentication.NONE, java.time.Instant.now());
      String fields = SpamHeaders.fields(scanner.scan(in));
      assertThat(fields).as(f.toString()).matches("[\\x09\\x0a\\x0d\\x20-\\x7e]*");
      assertThat(fields.split("\r\n")).as(f.toString()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(998));
      assertThat(dev.postamt.mime.HeaderSection.parse((fields + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .fields()).as(f.toString()).extracting(dev.postamt.mime.HeaderSection.Field::name)
          .containsExactly("X-Spam-Flag", "X-Spam-Score", "X-Spam-Level", "X-Spam-Status", "X-Spam-Report");
    }
  }

  @Test
  void everyXSpamFieldIsOurs() {
    assertThat(SpamHeaders.isOurs("X-Spam-Flag")).isTrue();
    assertThat(SpamHeaders.isOurs("x-spam-status")).isTrue();
    assertThat(SpamHeaders.isOurs("X-Spam-Checker-Version")).isTrue();
    assertThat(SpamHeaders.isOurs("X-Spammy")).isFalse();
    assertThat(SpamHeaders.isOurs("X-Virus-Status")).isFalse();
  }

  @Test
  void scoresAreWrittenAsSpamAssassinWritesThem() {
    assertThat(Verdict.number(2)).isEqualTo("2.0");
    assertThat(Verdict.number(1.25)).isEqualTo("1.25");
    assertThat(Verdict.number(-0.001)).isEqualTo("-0.001");
    assertThat(Verdict.number(0.00001)).isEqualTo("0.0");
    assertThat(Verdict.oneDecimal(-0.04)).isEqualTo("0.0");
    assertThat(Verdict.oneDecimal(6.14)).isEqualTo("6.1");
  }
}
