package dev.postamt.filter.forgery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Received formats of the common servers, read as hops: HELO | rDNS | IP | by. */
class ReceivedHopTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4Xz for <a@example.net>; Tue, 3 Dec 2024 10:00:00 +0000 | mail.example.org | mail.example.org | 192.0.2.10 | mx.example.net
      from laptop (unknown [198.51.100.7]) by mx.example.net (Postfix) with ESMTP id 1; Tue, 3 Dec 2024 10:00:00 +0000 | laptop | <none> | 198.51.100.7 | mx.example.net
      from helo.example (root@rdns.example [203.0.113.5] (may be forged)) by host.example (8.11.6/8.11.6) with ESMTP id g8N; Tue, 3 Dec 2024 10:00:00 +0000 | helo.example | rdns.example | 203.0.113.5 | host.example
      from rdns.example.com ([192.0.2.33] helo=claimed.example) by mx.example.net with esmtp (Exim 4.96) id 1t; Tue, 3 Dec 2024 10:00:00 +0000 | claimed.example | rdns.example.com | 192.0.2.33 | mx.example.net
      from [192.0.2.44] (helo=claimed.example) by mx.example.net with esmtp (Exim 4.96); Tue, 3 Dec 2024 10:00:00 +0000 | claimed.example | <none> | 192.0.2.44 | mx.example.net
      from unknown (HELO bulk.example) (192.0.2.55) by mail.example.net with SMTP; 3 Dec 2024 10:00:00 -0000 | bulk.example | <none> | 192.0.2.55 | mail.example.net
      from rdns.example (HELO bulk.example) (192.0.2.56) by mail.example.net with SMTP; 3 Dec 2024 10:00:00 -0000 | bulk.example | rdns.example | 192.0.2.56 | mail.example.net
      from EXCH01.corp.example (10.1.2.3) by EXCH02.corp.example (10.1.2.4) with Microsoft SMTP Server (TLS) id 15.1.2507.39; Tue, 3 Dec 2024 10:00:00 +0000 | exch01.corp.example | <unsaid> | 10.1.2.3 | exch02.corp.example
      from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id x; Tue, 03 Dec 2024 02:00:00 -0800 (PST) | mail-sor-f41.google.com | mail-sor-f41.google.com | 209.85.220.41 | mx.google.com
      from host.example (host.example [IPv6:2001:db8::25]) by mx.example.net (Postfix); Tue, 3 Dec 2024 10:00:00 +0000 | host.example | host.example | 2001:db8::25 | mx.example.net
      by 2002:a05:6a10:a84c:b0:5a1:2f0:2c1b with SMTP id x; Tue, 3 Dec 2024 02:00:00 -0800 (PST) | <empty> | <unsaid> | <empty> | 2002:a05:6a10:a84c:b0:5a1:2f0:2c1b
      (qmail 23173 invoked by uid 0); 3 Dec 2024 10:00:00 -0000 | <empty> | <unsaid> | <empty> | <empty>
      """)
  void readsTheCommonFormats(String field, String helo, String rdns, String ip, String by) {
    ReceivedHop h = ReceivedHop.parse(field);
    assertThat(h.helo()).isEqualTo(blank(helo));
    assertThat(h.rdns()).isEqualTo(rdns.equals("<unsaid>") ? null : rdns.equals("<none>") ? "" : rdns);
    assertThat(h.ip()).isEqualTo(blank(ip));
    assertThat(h.by()).isEqualTo(blank(by));
    assertThat(h.date()).isEqualTo(Instant.parse("2024-12-03T10:00:00Z"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      from (((( by ;
      from
      ;;;; Tue, 99 Foo 2024
      from [999.1.1.1] (helo=[1.2.3.4]) by
      """)
  void oddFieldsGiveWhatCanBeRead(String field) {
    ReceivedHop h = ReceivedHop.parse(field == null ? "" : field);
    assertThat(h.date()).isNull();
    assertThat(h.ip()).doesNotContain("999");
  }

  private static String blank(String s) {
    return s.equals("<empty>") ? "" : s;
  }
}
