package dev.postamt.filter.forgery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each forgery symbol on a crafted message, with the evidence in its reason; none on an honest one. */
class HeaderForgeryTest {
  static final Instant ARRIVAL = Instant.parse("2024-12-03T10:05:00Z");
  static final String HOP_OURS =
      "Received: from mail.example.org (mail.example.org [81.2.69.10]) by mx.example.net (Postfix) with ESMTPS id 4Xz"
          + " for <bob@example.net>; Tue, 3 Dec 2024 10:04:30 +0000\r\n";
  static final String HOP_SENDER =
      "Received: from [10.0.0.5] (laptop.lan [10.0.0.5]) by mail.example.org (Postfix) with ESMTPSA id 4Xy;"
          + " Tue, 3 Dec 2024 10:04:10 +0000\r\n";
  static final String CLEAN = HOP_OURS + HOP_SENDER
      + "From: Alice Example <alice@example.org>\r\n"
      + "To: Bob <bob@example.net>\r\n"
      + "Subject: lunch on Thursday?\r\n"
      + "Date: Tue, 3 Dec 2024 10:04:00 +0000\r\n"
      + "Message-ID: <8c1f2a7e-55aa-4e0f-9a59-d3f7b1e2c0aa@example.org>\r\n"
      + "User-Agent: Mozilla Thunderbird\r\n"
      + "MIME-Version: 1.0\r\n"
      + "Content-Type: text/plain; charset=utf-8\r\n"
      + "\r\n"
      + "Shall we meet at noon?\r\n";

  static Findings scan(String message, String mailFrom, Authentication auth) {
    return scan(message, mailFrom, auth, "", "");
  }

  static Findings scan(String message, String mailFrom, Authentication auth, String clientIp, String helo) {
    ScannedMessage m = ScannedMessage.of(message.getBytes(StandardCharsets.ISO_8859_1));
    ScanInput in = new ScanInput(m, clientIp, helo, null, mailFrom, List.of("bob@example.net"), List.of("bob@example.net"),
        auth, ARRIVAL);
    Findings f = new Findings();
    new HeaderForgery("mx.example.net").check(in, f);
    return f;
  }

  static Authentication auth(String spf, String dkimDomain, String dmarc, String arc, String iprev) {
    return new Authentication(spf, "example.org", dkimDomain.isEmpty() ? List.of() : List.of(dkimDomain), dmarc,
        "example.org", arc, iprev, "");
  }

  @Test
  void anHonestMessageGetsNothingWithoutAuthenticationResults() {
    assertThat(scan(CLEAN, "alice@example.org", Authentication.NONE).all()).isEmpty();
  }

  @Test
  void anHonestAuthenticatedMessageGetsOnlyTheGoodNews() {
    String signed = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1; h=from; bh=x; b=y\r\n" + CLEAN;
    Findings f = scan(signed, "alice@example.org", auth("pass", "example.org", "pass", "none", "pass"));
    assertThat(f.all()).extracting(Symbol::name)
        .containsExactly("SPF_PASS", "DKIM_SIGNED", "DKIM_VALID", "DKIM_VALID_AU", "DMARC_PASS");
    assertThat(f.total(s -> false)).isLessThan(0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      RCVD_BACKWARDS         | Received: from mail.example.org (mail.example.org [81.2.69.10]) by mx.example.net; Tue, 3 Dec 2024 10:04:30 +0000 ;; Received: from relay.example (relay.example [81.2.69.11]) by mail.example.org; Wed, 4 Dec 2024 09:00:00 +0000 | the hop by mail.example.org from relay.example is dated 22 h after the later hop by mx.example.net
      RCVD_DAYS_APART        | Received: from mail.example.org (mail.example.org [81.2.69.10]) by mx.example.net; Tue, 3 Dec 2024 10:04:30 +0000 ;; Received: from relay.example (relay.example [81.2.69.11]) by mail.example.org; Thu, 28 Nov 2024 09:00:00 +0000 | came 5 days after the hop by mail.example.org
      RCVD_ILLEGAL_IP        | Received: from mail.example.org (mail.example.org [81.2.69.10]) by mx.example.net; Tue, 3 Dec 2024 10:04:30 +0000 ;; Received: from relay.example (relay.example [198.51.100.9]) by mail.example.org; Tue, 3 Dec 2024 10:04:00 +0000 | reserved address 198.51.100.9
      RCVD_HELO_IP_MISMATCH  | Received: from [81.2.69.99] (unknown [81.2.69.10]) by mx.example.net; Tue, 3 Dec 2024 10:04:30 +0000 | greeted as [81.2.69.99] but came from 81.2.69.10
      FORGED_RCVD_HELO       | Received: from mx1.mail.yahoo.com (dsl-7.pool.example.net [81.2.69.12]) by mx.example.net; Tue, 3 Dec 2024 10:04:30 +0000 | greeted as mx1.mail.yahoo.com (yahoo) but came from dsl-7.pool.example.net
      """)
  void receivedChainSymbols(String symbol, String chain, String evidence) {
    String message = CLEAN.replace(HOP_OURS + HOP_SENDER, chain.replace(" ;; ", "\r\n") + "\r\n");
    Findings f = scan(message, "alice@example.org", Authentication.NONE);
    assertThat(f.has(symbol)).as(f.all().toString()).isTrue();
    assertThat(f.get(symbol).reason()).contains(evidence);
    assertThat(f.get(symbol).score()).isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      DATE_IN_FUTURE_12_24   | Date: Tue, 3 Dec 2024 10:04:00 +0000 | Date: Wed, 4 Dec 2024 02:30:00 +0000    | Date is 16 h after arrival
      DATE_IN_PAST_96_XX     | Date: Tue, 3 Dec 2024 10:04:00 +0000 | Date: Fri, 22 Nov 2024 08:00:00 +0000   | Date is 11 days before arrival
      DATE_IN_PAST_06_12     | Date: Tue, 3 Dec 2024 10:04:00 +0000 | Date: Tue, 3 Dec 2024 01:00:00 +0000    | Date is 9 h before arrival
      MISSING_DATE           | Date: Tue, 3 Dec 2024 10:04:00 +0000 | X-No-Date: here                          | no Date field
      INVALID_DATE           | Date: Tue, 3 Dec 2024 10:04:00 +0000 | Date: yesterday around noon              | Date "yesterday around noon" is not an RFC 5322 date
      MISSING_MID            | Message-ID: <8c1f2a7e-55aa-4e0f-9a59-d3f7b1e2c0aa@example.org> | X-No-Id: here | no Message-ID field
      INVALID_MSGID          | Message-ID: <8c1f2a7e-55aa-4e0f-9a59-d3f7b1e2c0aa@example.org> | Message-ID: 12345.bulk | Message-ID "12345.bulk" is not <left@right>
      MSGID_DOMAIN_UNRELATED | Message-ID: <8c1f2a7e-55aa-4e0f-9a59-d3f7b1e2c0aa@example.org> | Message-ID: <x1@bulk-tool.example> | Message-ID domain bulk-tool.example is not the sender's
      FORGED_MSGID_HOTMAIL   | Message-ID: <8c1f2a7e-55aa-4e0f-9a59-d3f7b1e2c0aa@example.org> | Message-ID: <x1@hotmail.com> | claims hotmail but no Received hop passed its servers
      FREEMAIL_FORGED_REPLYTO | To: Bob <bob@example.net> | To: Bob <bob@example.net>\\r\\nReply-To: claims-dept@gmail.com | replies go to freemail claims-dept@gmail.com while From is example.org
      FORGED_FROM_NAME_ADDR  | From: Alice Example <alice@example.org> | From: "service@paypal.com" <alice@example.org> | From shows service@paypal.com as its name but is alice@example.org
      FORGED_HOTMAIL_RCVD2   | From: Alice Example <alice@example.org> | From: Alice <alice@hotmail.com> | From is hotmail.com but no Received hop passed hotmail's servers
      FORGED_MUA_OUTLOOK     | User-Agent: Mozilla Thunderbird | X-Mailer: Microsoft Outlook Express 6.00.2600.0000 | X-Mailer says Microsoft Outlook Express 6.00.2600.0000 but Message-ID <8c1f2a7e
      """)
  void headerSymbols(String symbol, String replace, String with, String evidence) {
    String message = CLEAN.replace(replace, with.replace("\\r\\n", "\r\n"));
    Findings f = scan(message, "", Authentication.NONE);
    assertThat(f.has(symbol)).as(f.all().toString()).isTrue();
    assertThat(f.get(symbol).reason()).contains(evidence);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      Microsoft Outlook Express 6.00.2600.0000 | <001d01c2623c$f8f6e9a0$6401a8c0@LOCALHOST>
      Microsoft Outlook 16.0                   | <000001d9a1b2$c3d4e5f6$a7b8c9d0@example.org>
      Microsoft Outlook IMO, Build 9.0.2416    | <BCEFLMCEIJHPCPLGADJIGEEFCAAA.alice@example.org>
      Microsoft Outlook 16.0                   | <DM6PR12MB4123ABCDEF0123456789@DM6PR12MB4123.namprd12.prod.outlook.com>
      Microsoft Outlook 16.0                   | <5C8B0A2D7E3F4A1B9C2D3E4F5A6B7C8D@EXCH01.corp.example>
      Microsoft Outlook Express 6.00.2600.0000 | <E17huko-0000JF-00@carbon.example.org>
      """)
  void outlooksOwnAndServersMessageIdsAreNoForgery(String mailer, String id) {
    String message = CLEAN.replace("User-Agent: Mozilla Thunderbird", "X-Mailer: " + mailer)
        .replace("<8c1f2a7e-55aa-4e0f-9a59-d3f7b1e2c0aa@example.org>", id);
    assertThat(scan(message, "", Authentication.NONE).has("FORGED_MUA_OUTLOOK")).isFalse();
  }

  @Test
  void aListRewrittenFromIsNoDisplayNameForgery() {
    String message = CLEAN.replace("From: Alice Example <alice@example.org>",
        "From: \"'alice@other.example' via Friends\" <friends@example.org>");
    assertThat(scan(message, "", Authentication.NONE).has("FORGED_FROM_NAME_ADDR")).isFalse();
  }

  @Test
  void anOldDateThatTheFirstHopConfirmsIsQueueDelayNotForgery() {
    String message = CLEAN.replace("Tue, 3 Dec 2024 10:04:10 +0000", "Fri, 22 Nov 2024 08:01:00 +0000")
        .replace("Date: Tue, 3 Dec 2024 10:04:00 +0000", "Date: Fri, 22 Nov 2024 08:00:00 +0000");
    Findings f = scan(message, "", Authentication.NONE);
    assertThat(f.all()).extracting(Symbol::name).containsExactly("RCVD_DAYS_APART");
  }

  @Test
  void theEnvelopeSenderOfAnotherDomainIsNotedOnly() {
    Findings f = scan(CLEAN, "bounces+123@lists.example.com", Authentication.NONE);
    assertThat(f.get("HEADER_FROM_DIFFERENT_DOMAINS").reason()).contains("example.org", "lists.example.com");
    assertThat(f.total(s -> false)).isLessThan(0.01);
  }

  @Test
  void helloWithOurOwnNameFromOutside() {
    Findings f = scan(CLEAN, "alice@example.org", Authentication.NONE, "81.2.69.10", "MX.example.net");
    assertThat(f.get("HELO_IS_OUR_HOSTNAME").reason()).contains("81.2.69.10", "MX.example.net");
    assertThat(scan(CLEAN, "alice@example.org", Authentication.NONE, "127.0.0.1", "mx.example.net").all()).isEmpty();
  }

  @Test
  void authenticationFailuresAsSymbols() {
    String signed = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1; h=from; bh=x; b=y\r\n" + CLEAN;
    Findings f = scan(signed, "alice@example.org", auth("fail", "", "fail", "pass", "fail"), "81.2.69.10", "mail.example.org");
    assertThat(f.get("SPF_FAIL").reason()).contains("example.org");
    assertThat(f.get("DKIM_INVALID").score()).isPositive();
    assertThat(f.get("DMARC_FAIL").reason()).contains("example.org", "ARC chain valid");
    assertThat(f.get("ARC_VALID").score()).isNegative();
    assertThat(f.get("RDNS_NONE").reason()).contains("81.2.69.10", "no reverse DNS name");
    assertThat(scan(signed, "alice@example.org", auth("softfail", "", "none", "none", "pass")).has("SPF_SOFTFAIL")).isTrue();
  }

  @Test
  void garbageHeadersNeverThrow() {
    String message = "Received: from (((( [[[ by ;;;\r\nFrom: <<<@@@>>>\r\nReply-To: \"\r\nDate: Mon, 99 Jan 99999\r\n"
        + "Message-ID: <@>\r\nX-Mailer: Microsoft Outlook Express\r\n\r\nbody";
    Findings f = scan(message, "@", Authentication.NONE, "not-an-ip", "[");
    assertThat(f.has("INVALID_DATE")).isTrue();
  }
}
