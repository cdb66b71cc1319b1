package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule language: each kind, each header form, conditionals, scores, tflags, metas, on crafted mail. */
class RuleSetTest {
  static final String MAIL = """
      From: "Pat Sender" <pat@example.org>
      To: alice@example.net, bob@example.net
      Cc: carol@example.net
      Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and CHEAP stuff
      Date: Mon, 1 Dec 2025 10:00:00 +0000
      Message-ID: <abc@example.org>
      X-Mailer: TestMailer 1.0
      MIME-Version: 1.0
      Content-Type: multipart/alternative; boundary=b

      --b
      Content-Type: text/plain

      Hello Alice,

      buy cheap pills now. Visit http://198.51.100.7/shop today.
      pills pills pills
      --b
      Content-Type: text/html

      <html><body><p>Hello <b>Alice</b></p><a href="http://evil.example.com/x">www.bank.example</a></body></html>
      --b--
      """;

  static ScanInput input(String mail) {
    return input(mail, "bounce@example.org");
  }

  static ScanInput input(String mail, String mailFrom) {
    ScannedMessage m = ScannedMessage.of(mail.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    return new ScanInput(m, "192.0.2.1", "mx.example.org", null, mailFrom, List.of("alice@example.net"), List.of(),
        Authentication.NONE, Instant.now());
  }

  /** Runs rules {@code cf} alone (not the shipped ones) over {@code mail}; {@code before}: other checks' symbols. */
  static Findings run(String cf, String mail, String... before) throws Exception {
    RuleSet set = RuleSet.ofTexts(Map.of("test.cf", cf));
    Findings f = new Findings();
    for (String b : before) {
      f.add(b, 0, "other check");
    }
    ScanInput in = input(mail);
    set.check().check(in, f);
    set.metaCheck().check(in, f);
    return f;
  }

  static List<String> names(Findings f) {
    return f.all().stream().map(Symbol::name).filter(n -> !n.equals("BAYES_99") && !n.equals("SPF_FAIL")).toList();
  }

  @Test
  void eachKindReadsItsText() throws Exception {
    Findings f = run("""
        header H_SUBJ   Subject =~ /grüße/i
        body   B_PILLS  /cheap pills/
        body   B_HTML   /Hello Alice/
        rawbody R_TAG   /<b>Alice<\\/b>/
        rawbody R_NOTAG /Hello Alice<\\/p>/
        full   F_MIME   /^Content-Type: text\\/html/m
        uri    U_IP     /^http:\\/\\/198\\.51\\.100\\.7\\//
        uri    U_NONE   /nowhere\\.example/
        body   B_SUBJ   /^Grüße and CHEAP/
        """, MAIL);
    assertThat(names(f)).containsExactly("H_SUBJ", "B_PILLS", "B_HTML", "R_TAG", "F_MIME", "U_IP", "B_SUBJ");
  }

  @Test
  void headerForms() throws Exception {
    Findings f = run("""
        header RAW        Subject:raw =~ /=\\?UTF-8\\?Q\\?/
        header DECODED    Subject =~ /=\\?UTF-8/
        header ADDR       From:addr =~ /^pat\\@example\\.org$/
        header NAME       From:name =~ /^Pat Sender$/
        header NEG        X-Mailer !~ /Outlook/
        header NEG_MISS   X-Missing !~ /x/
        header MISS       X-Missing =~ /^$/
        header UNSET      X-Missing =~ /fallback/ [if-unset: fallback]
        header EXISTS     exists:X-Mailer
        header NOEXISTS   exists:X-Missing
        header ALLH       ALL =~ /^X-Mailer: TestMailer/m
        header TOCC       ToCc =~ /bob\\@example\\.net, carol\\@/
        header ENVFROM    EnvelopeFrom =~ /^bounce\\@example\\.org$/
        header MSGID      MESSAGEID =~ /abc\\@example/
        header EITHER     X-Missing|X-Mailer =~ /TestMailer/
        """, MAIL);
    assertThat(names(f)).containsExactlyInAnyOrder("RAW", "ADDR", "NAME", "NEG", "NEG_MISS", "MISS", "UNSET", "EXISTS",
        "ALLH", "TOCC", "ENVFROM", "MSGID", "EITHER");
  }

  @Test
  void aHitCarriesTheDescriptionAndTheEvidence() throws Exception {
    Findings f = run("""
        body     PILLS  /cheap \\w+/
        describe PILLS  Offers cheap things
        score    PILLS  2.5
        """, MAIL);
    assertThat(f.get("PILLS").reason()).isEqualTo("Offers cheap things: \"cheap pills\"");
    assertThat(f.get("PILLS").score()).isEqualTo(2.5);
  }

  @Test
  void scoresTakeTheThirdOfFourAndDefaults() {
    RuleSet set = RuleSet.ofTexts(Map.of("s.cf", """
        body A /a/
        body B /b/
        score B 1 2 3.5 4
        body N /n/
        tflags N nice
        body __S /s/
        score BAYES_99 3.5
        """));
    assertThat(set.scores()).containsEntry("A", 1.0).containsEntry("B", 3.5).containsEntry("N", -1.0)
        .containsEntry("BAYES_99", 3.5).doesNotContainKey("__S");
  }

  @Test
  void multipleCountsEachHitUpToMaxhits() throws Exception {
    Findings f = run("""
        body  __PILL  /pills/
        tflags __PILL multiple maxhits=3
        meta  MANY    __PILL >= 3
        body  __ONCE  /pills/
        meta  ONCE3   __ONCE >= 2
        """, MAIL);
    assertThat(names(f)).containsExactly("MANY");
  }

  @Test
  void metasSeeSubRulesAndOtherChecksButSubRulesAreNotShown() throws Exception {
    Findings f = run("""
        body  __CHEAP  /cheap/
        meta  CHEAP_AND_BAYES   __CHEAP && BAYES_99
        meta  CHEAP_NOT_SPF     __CHEAP && !SPF_FAIL
        meta  NESTED            CHEAP_AND_BAYES && !NONE_SUCH
        meta  __SUB_META        __CHEAP
        meta  ARITH             (__CHEAP + BAYES_99) * 2 == 4
        """, MAIL, "BAYES_99");
    assertThat(names(f)).containsExactly("CHEAP_AND_BAYES", "CHEAP_NOT_SPF", "NESTED", "ARITH");
  }

  @Test
  void scoreZeroRulesRunOnlyForAMeta() {
    RuleSet set = RuleSet.ofTexts(Map.of("z.cf", """
        body  OFF   /x/
        score OFF   0
        body  USED  /y/
        score USED  0
        meta  M     USED
        """));
    assertThat(set.running()).containsExactly("USED", "M");
  }

  @Test
  void conditionals() {
    RuleSet set = RuleSet.ofTexts(Map.of("c.cf", """
        ifplugin Mail::SpamAssassin::Plugin::NoSuchPlugin
        body IN_MISSING_PLUGIN /x/
        endif
        ifplugin Mail::SpamAssassin::Plugin::ReplaceTags
        body IN_PLUGIN /x/
        endif
        if (version >= 3.004000)
        body NEW_ENOUGH /x/
        else
        body TOO_OLD /x/
        endif
        if !plugin(Mail::SpamAssassin::Plugin::NoSuchPlugin)
        body NOT_PLUGIN /x/
        endif
        if can(Mail::SpamAssassin::Conf::feature_no_such_thing)
        body CAN_NOT /x/
        endif
        if can(Mail::SpamAssassin::Conf::feature_bug6558_free)
        ifplugin Mail::SpamAssassin::Plugin::HeaderEval
        body NESTED_OK /x/
        endif
        endif
        lang de describe IN_PLUGIN Deutsch
        lang en describe IN_PLUGIN English
        describe NEW_ENOUGH fine # a comment
        require_version 4.000001
        priority IN_PLUGIN -100
        """));
    assertThat(set.running()).containsExactlyInAnyOrder("IN_PLUGIN", "NEW_ENOUGH", "NOT_PLUGIN", "NESTED_OK");
    assertThat(set.descriptions()).containsEntry("IN_PLUGIN", "English").containsEntry("NEW_ENOUGH", "fine");
    LoadReport r = set.report();
    assertThat(r.seen()).isEqualTo(5); // the plugin-less rule counts as seen and skipped; untaken branches do not
    assertThat(r.skippedByReason()).containsEntry("plugin not available", 1);
  }

  @Test
  void skippedRulesAreCountedByReasonWithFileAndLine() {
    RuleSet set = RuleSet.ofTexts(Map.of("k.cf", """
        body  OK       /fine/
        body  INTERP   /a$var/
        body  CODE     /(?{ die })/
        header NET     eval:check_rbl('x', 'zen.example.')
        header BAYESY  eval:check_bayes('0.99', '1.00')
        header NOTYET  eval:check_some_future_thing()
        body  NETFLAG  /x/
        tflags NETFLAG net
        header RELAYS  X-Spam-Relays-External =~ /x/
        meta  NEGATES  OK && !CODE
        meta  NEEDS    OK && CODE
        meta  NET_OK   OK && !NET
        header BROKEN
        """));
    LoadReport r = set.report();
    assertThat(r.skippedByReason()).containsEntry("regex: variable interpolation $v", 1)
        .containsEntry("regex: code block (?{...})", 1).containsEntry("network test", 2)
        .containsEntry("provided by another check", 1).containsEntry("eval function not implemented", 1)
        .containsEntry("pseudo-header not available", 1).containsEntry("meta refers to a skipped rule", 1);
    assertThat(set.running()).contains("OK", "NEEDS", "NET_OK").doesNotContain("NEGATES");
    assertThat(set.warnings()).anyMatch(w -> w.startsWith("k.cf:2: INTERP") && w.contains("interpolation"))
        .anyMatch(w -> w.startsWith("k.cf:13:"));
  }

  @Test
  void replaceTagsBuildTheRegex() throws Exception {
    Findings f = run("""
        replace_tag   V     [vV\\\\\\/]
        replace_tag   I     [iI1!|]
        replace_tag   A     [aA@4]
        replace_inter W1    [\\s._-]?
        body  FUZZY_VIA   /<inter W1><V><I><A>/
        replace_rules FUZZY_VIA
        """, MAIL.replace("buy cheap pills", "buy v.1.@ pills"));
    assertThat(names(f)).containsExactly("FUZZY_VIA");
  }

  @Test
  void aLaterDefinitionAndScoreWin() {
    RuleSet set = RuleSet.ofTexts(Map.of("a.cf", "body X /a/\nscore X 1\n"));
    assertThat(set.scores()).containsEntry("X", 1.0);
    RuleSet both = RuleSet.ofTexts(Map.of("a.cf", "body X /a/\nscore X 1\nbody X /b/\nscore X 2\n"));
    assertThat(both.scores()).containsEntry("X", 2.0);
    assertThat(both.report().seen()).isEqualTo(1);
  }

  @Test
  void evalFunctionsWeRun() throws Exception {
    Findings f = run("""
        header NO_TO      eval:check_for_missing_to_header()
        body   HTML       eval:html_test('html_message')
        body   HTML_ONLY  eval:check_for_mime_html_only()
        header TWO_TO     eval:check_header_count_range('To', 1, 1)
        body   ANCHOR     eval:check_anchor_domain_mismatch()
        header CAPS       eval:subject_is_all_caps()
        """, MAIL);
    assertThat(names(f)).containsExactlyInAnyOrder("HTML", "TWO_TO", "ANCHOR");
    Findings dated = run("""
        header PAST_3_6   eval:check_for_shifted_date('-6', '-3')
        header PAST_96    eval:check_for_shifted_date('undef', '-96')
        header FUTURE     eval:check_for_shifted_date('3', 'undef')
        body   TAG_B      eval:html_tag_exists('b')
        body   TAG_FONT   eval:html_tag_exists('font')
        """, "Received: from a by b; Mon, 1 Dec 2025 14:30:00 +0000\n" + MAIL);
    assertThat(names(dated)).containsExactlyInAnyOrder("PAST_3_6", "TAG_B");
    Findings caps = run("header CAPS eval:subject_is_all_caps()\n",
        MAIL.replace("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and CHEAP stuff", "Subject: BUY CHEAP PILLS TODAY"));
    assertThat(names(caps)).containsExactly("CAPS");
  }

  @Test
  void oddInputNeverThrows() throws Exception {
    Findings f = run("""
        body   NESTED  /(a|b)*c/
        header ANY     ALL =~ /x/
        full   BIN     /\\x00/
        """, "Subject: " + "ab".repeat(50_000) + "\n\n" + "ab".repeat(200_000) + "\u0000\n");
    assertThat(names(f)).contains("BIN");
  }

  @Test
  void aRunawayRegexGivesUpInsteadOfHoldingTheScan() throws Exception {
    Findings f = run("""
        body   EXPONENTIAL  /^(a|aa)+$/
        body   FINE         /aaaa/
        """, "Subject: x\n\n" + "a".repeat(60) + "b\n");
    assertThat(names(f)).containsExactly("FINE"); // without the budget: 10^12 steps, the test would not end
  }

  @Test
  void loadsFilesAndDirectories(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.cf"), "body FROM_B /b/\nscore FROM_B 2\n");
    Files.writeString(dir.resolve("a.cf"), "body FROM_A /a/\nscore FROM_B 1\n");
    Files.writeString(dir.resolve("notes.txt"), "body IGNORED /x/\n");
    Path single = dir.resolve("single.rules");
    Files.writeString(single, "body SINGLE /s/\n");
    RuleSet set = RuleSet.load(List.of(dir, single));
    assertThat(set.running()).contains("FROM_A", "FROM_B", "SINGLE", "MISSING_DATE").doesNotContain("IGNORED");
    assertThat(set.scores()).containsEntry("FROM_B", 2.0).containsEntry("BAYES_99", 4.0);
    assertThatThrownBy(() -> RuleSet.load(List.of(dir.resolve("nope"))))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope");
  }
}
