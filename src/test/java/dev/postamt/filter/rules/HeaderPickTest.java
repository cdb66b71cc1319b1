package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A header read by one name (the shortcut of {@link HeaderTarget#value}): several fields joined, :first, :last, pseudo-headers in any case. */
class HeaderPickTest {
  static final String MAIL = """
      Received: from a.example by b.example; Mon, 1 Dec 2025 10:00:00 +0000
      Received: from c.example by a.example; Mon, 1 Dec 2025 09:59:00 +0000
      From: pat@example.org
      To: alice@example.net
      Subject: hello
      Message-ID: <abc@example.org>

      body
      """;

  @Test
  void oneNameSeveralFields() throws Exception {
    var f = RuleSetTest.run("""
        header JOINED     Received =~ /by b\\.example;[^\\n]*\\nfrom c\\.example/
        header FIRST      Received:first =~ /^from a\\.example/
        header NOT_FIRST  Received:first =~ /from c\\.example/
        header LAST       Received:last =~ /^from c\\.example/
        header NOT_LAST   Received:last =~ /from a\\.example/
        header ONE        Subject =~ /^hello$/
        header LOWER      messageid =~ /^<abc\\@example\\.org>$/
        header UPPER      TOCC =~ /^alice\\@example\\.net$/
        header ABSENT     X-None =~ /^x$/ [if-unset: x]
        """, MAIL);
    assertThat(RuleSetTest.names(f)).containsExactlyInAnyOrder("JOINED", "FIRST", "LAST", "ONE", "LOWER", "UPPER", "ABSENT");
  }
}
