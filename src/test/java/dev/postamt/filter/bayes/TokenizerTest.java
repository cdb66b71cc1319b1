package dev.postamt.filter.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.ScannedMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the tokenizer takes from a message: words, bigrams, header fields under prefixes, links. */
class TokenizerTest {
  static ScannedMessage msg(String text) {
    return ScannedMessage.of(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    Tokenizer.words(text, "", out::add);
    return out;
  }

  @Test
  void latinWordsAreLowerCasedAndStrippedOfPunctuation() {
    // mixed case also gives the word as written (Cs:), all capitals give caps:
    assertThat(words("Hello, World! It's a GREAT deal -- don't miss it. ViAgRa"))
        .containsExactly("hello", "Cs:Hello", "world", "Cs:World", "it's", "Cs:It's", "great", "caps:great",
            "deal", "don't", "miss", "viagra", "Cs:ViAgRa");
  }

  @Test
  void numbersAreKeptShortOrReducedToTheirLength() {
    assertThat(words("Only $19.99 for 12 items, call 5551234567 or pay 1,000")).containsExactly(
        "only", "Cs:Only", "$19.99", "for", "12", "items", "call", "N:10", "pay", "1,000");
  }

  @Test
  void longGibberishIsCutAndAddressesAndHostsAreKept() {
    assertThat(words("xkqwjzhfpqlwmzxnvbq verylongaddress@example.com www.example-shop.com"))
        .containsExactly("sk:xkqwjzh", "sk:verylon@", "@example.com", "www.example-shop.com");
  }

  @Test
  void accentedLatinAndCyrillicAreWords() {
    assertThat(words("Größte Überraschung! Привет мир")).containsExactly(
        "größte", "Cs:Größte", "überraschung", "Cs:Überraschung", "привет", "Cs:Привет", "мир");
  }

  @Test
  void scriptsWithoutSpacesBecomeBigrams() {
    assertThat(words("無料で今すぐ")).containsExactly("無料", "料で", "で今", "今す", "すぐ");
    assertThat(words("ฟรีวันนี้")).containsExactly("ฟร", "รี", "ีว", "วั", "ัน", "นน", "นี", "ี้");
    assertThat(words("Buy 中文 now")).containsExactly("buy", "Cs:Buy", "中文", "now");
  }

  @Test
  void htmlMarkupGivesTagAndAttributeTokensButNotLinkTargets() {
    ScannedMessage m = msg("""
        From: a@example.org
        Content-Type: text/html; charset=utf-8

        <html><body><FONT SIZE="+2" color='#ff0000'>Act now</FONT>
        <a href="http://shop.example.com/x">here</a></body></html>
        """);
    List<String> t = Tokenizer.strings(m);
    assertThat(t).contains("HT:html", "HT:font", "HT:font.size", "HT:font.size=+2", "HT:font.color=#ff0000",
        "HT:a", "HT:a.href");
    assertThat(t).noneMatch(s -> s.startsWith("HT:a.href="));
    assertThat(Tokenizer.strings(msg("From: a@example.org\n\n<b>not html</b>\n"))).noneMatch(s -> s.startsWith("HT:"));
  }

  @Test
  void headerFieldsAndLinksGetTheirOwnPrefixes() {
    ScannedMessage m = msg("""
        Received: from mail.sender.example.org (mail.sender.example.org [192.0.2.17])
        \tby mx.example.test with ESMTPS id abc; Thu, 1 Jan 2026 00:00:00 +0000
        From: "Cheap Meds" <offers@pharma.example.com>
        To: alice@example.test, bob@example.test
        Subject: =?UTF-8?B?RnJlZSBwaWxscw==?=
        Message-ID: <1234.5678@bulk.example.com>
        X-Mailer: Mass Mailer 4.2
        Content-Type: text/plain; charset=utf-8

        Visit http://shop.pharma.example.com/buy/viagra?id=99 today
        """);
    List<String> t = Tokenizer.strings(m);
    assertThat(t).contains("S:free", "S:pills", "F:n:cheap", "F:n:meds", "F:a:offers", "F:d:pharma.example.com",
        "F:d:example.com", "T:d:example.test", "T:n:2", "R:h:example.org", "R:ip:192.0.2", "R:ip:192.0",
        "R:w:esmtps", "MID:d:bulk.example.com", "XM:mass mailer 0.0", "XM:mass", "CT:text/plain", "P:cs:utf-8",
        "U:s:http", "U:shop.pharma.example.com", "U:example.com", "UP:buy", "UP:viagra", "visit", "today",
        "missing:date");
    assertThat(t).contains("free", "pills"); // visible text starts with the Subject, as SpamAssassin's body
    assertThat(t).doesNotContain("S:free pills", "R:h:abc", "thu");
  }

  @Test
  void tokensAreHashedSortedDistinctAndCachedPerMessage() {
    ScannedMessage m = msg("Subject: spam spam spam\n\nspam spam eggs\n");
    long[] t = Tokenizer.tokens(m);
    assertThat(t).isSorted().doesNotHaveDuplicates().contains(Tokenizer.hash("spam"), Tokenizer.hash("S:spam"));
    assertThat(Tokenizer.tokens(m)).isSameAs(t);
    assertThat(Tokenizer.hash("spam")).isNotEqualTo(Tokenizer.hash("S:spam"));
  }

  @Test
  void malformedInputGivesTokensNotErrors() {
    ScannedMessage m = ScannedMessage.of(new byte[] {(byte) 0xff, 0, '\n', ':', (byte) 0xfe, '\r', '\n', '\n', 0x01});
    assertThat(Tokenizer.tokens(m)).isNotNull();
    assertThat(Tokenizer.tokens(ScannedMessage.of(new byte[0]))).isNotNull();
  }
}
