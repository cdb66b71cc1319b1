package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.Symbol;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our shipped rules on crafted messages: each fires on the trick it names, and a plain message stays clean. */
class ShippedRulesTest {
  static RuleSet rules;

  static final String PLAIN = """
      From: Alice Example <alice@example.org>
      To: bob@example.net
      Subject: Minutes of Tuesday's meeting
      Date: Tue, 2 Dec 2025 09:15:00 +0100
      Message-ID: <20251202091500.1234@mail.example.org>
      MIME-Version: 1.0
      Content-Type: text/plain; charset=utf-8

      Hi Bob,

      attached are the minutes. The next meeting is on Friday at 10:00, see
      https://wiki.example.org/meetings for the agenda.

      Alice
      """;

  @BeforeAll
  static void load() throws Exception {
    rules = RuleSet.load(List.of());
  }

  static List<String> fired(String mail) throws Exception {
    ScanInput in = RuleSetTest.input(mail);
    Findings f = new Findings();
    rules.check().check(in, f);
    rules.metaCheck().check(in, f);
    return f.all().stream().map(Symbol::name).toList();
  }

  @Test
  void aPlainMessageFiresNothing() throws Exception {
    assertThat(fired(PLAIN)).isEmpty();
  }

  @Test
  void theStandardTestStringIsCertainSpam() throws Exception {
    String gtube = PLAIN.replace("Alice\n", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n\nAlice\n");
    assertThat(fired(gtube)).containsExactly("GTUBE");
    assertThat(rules.scores()).containsEntry("GTUBE", 1000.0);
    assertThat(fired(PLAIN.replace("Alice\n", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.35X\n")))
        .doesNotContain("GTUBE");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
      MISSING_DATE;          Date: Tue, 2 Dec 2025 09:15:00 +0100\\n;                          ''
      MISSING_MID;           Message-ID: <20251202091500.1234@mail.example.org>\\n;            ''
      MISSING_HEADERS;       To: bob@example.net\\n;                                           ''
      EMPTY_SUBJECT;         Subject: Minutes of Tuesday's meeting;                            Subject:
      INVALID_DATE;          Date: Tue, 2 Dec 2025 09:15:00 +0100;                             Date: yesterday at noon
      DATE_MISSING_ZONE;     Date: Tue, 2 Dec 2025 09:15:00 +0100;                             Date: Tue, 2 Dec 2025 09:15:00
      SUBJ_ALL_CAPS;         Subject: Minutes of Tuesday's meeting;                            Subject: YOUR ACCOUNT IS READY
      SUBJ_OBFU_WORD;        Subject: Minutes of Tuesday's meeting;                            Subject: Cheap V1agra here
      SUBJ_EXCESS_PUNCT;     Subject: Minutes of Tuesday's meeting;                            Subject: Act fast!!!
      SUBJ_WIDE_GAP;         Subject: Minutes of Tuesday's meeting;                            Subject: Your offer           ref4411
      SUBJ_ADV_TAG;          Subject: Minutes of Tuesday's meeting;                            Subject: ADV: low rates
      TO_MANY_RCPTS;         To: bob@example.net;                                              To: a1@x.example, a2@x.example, a3@x.example, a4@x.example, a5@x.example, a6@x.example, a7@x.example, a8@x.example, a9@x.example, a10@x.example, a11@x.example, a12@x.example, a13@x.example, a14@x.example, a15@x.example, a16@x.example
      TO_UNDISCLOSED;        To: bob@example.net;                                              To: undisclosed-recipients:;
      FROM_LOCAL_DIGITS;     From: Alice Example <alice@example.org>;                          From: Alice <alice83920@example.org>
      XPRIO_HIGHEST;         MIME-Version: 1.0;                                                "X-Priority: 1 (Highest)\\nMIME-Version: 1.0"
      RATWARE_MAILER;        MIME-Version: 1.0;                                                "X-Mailer: Group Mail 4.0\\nMIME-Version: 1.0"
      MID_NO_DOMAIN;         Message-ID: <20251202091500.1234@mail.example.org>;               Message-ID: <20251202091500.1234>
      BODY_LOTTERY;          attached are the minutes.;                                        you have won the lottery.
      BODY_ADVANCE_FEE;      attached are the minutes.;                                        I need a foreign partner as next of kin.
      BODY_DEAR_FRIEND;      Hi Bob,;                                                          Dear Friend,
      BODY_BILL_S1618;       attached are the minutes.;                                        This mail is sent under Bill S.1618 Title III.
      BODY_REMOVE_LIST;      attached are the minutes.;                                        To be removed reply to this mail.
      URI_IP_LITERAL;        https://wiki.example.org/meetings;                                http://203.0.113.9/meetings
      URI_USERINFO;          https://wiki.example.org/meetings;                                http://www.bank.example@203.0.113.9/login
      URI_NUMERIC_HOST;      https://wiki.example.org/meetings;                                http://3405803785/login
      URI_SHORTENER;         https://wiki.example.org/meetings;                                https://bit.ly/3xYz
      """)
  void firesOnItsTrick(String rule, String from, String to) throws Exception {
    String mail = PLAIN.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
    assertThat(mail).as("test set-up").isNotEqualTo(PLAIN);
    assertThat(fired(mail)).contains(rule);
  }

  @Test
  void htmlTricks() throws Exception {
    String html = """
        From: Shop <deals@shop.example>
        To: bob@example.net
        Subject: Deals
        Date: Tue, 2 Dec 2025 09:15:00 +0100
        Message-ID: <1@shop.example>
        MIME-Version: 1.0
        Content-Type: text/html; charset=utf-8

        <html><body>
        <p>Your b<!--x-->ank account needs attention</p>
        <div style="display:none">lorem ipsum ham words</div>
        <a href="http://login.attacker.example/x">https://www.mybank.example/login</a>
        <img src="http://img.shop.example/offer.png">
        </body></html>
        """;
    assertThat(fired(html)).contains("HTML_MESSAGE", "MIME_HTML_ONLY", "HTML_WORD_COMMENTS", "HTML_HIDDEN_STYLE",
        "ANCHOR_DOMAIN_MISMATCH", "HTML_IMAGE_ONLY_SHORT");
  }

  @Test
  void manySpamPhrasesAddUp() throws Exception {
    String mail = PLAIN.replace("attached are the minutes.",
        "Dear friend, act now: 100% guaranteed, no obligation, money back guarantee, call toll free 1-800-555-1234.");
    assertThat(fired(mail)).contains("SPAM_PHRASES_3", "SPAM_PHRASES_5");
  }
}
