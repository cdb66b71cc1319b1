package dev.postamt.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC5322.From parsing for DMARC: the domain or the reason it has none. */
class DmarcFromDomainTest {
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
    "joe@example.com | example.com",
    "Joe <joe@Example.COM.> | example.com",
    "\"ceo@bank.example\" <x@evil.example> | evil.example",
    "\"Doe, John\" <john@example.com> | example.com",
    "john@example.com (Comment <with@brackets.example>) | example.com",
    "(nested (comment@x.example)) <a@example.org> | example.org",
    "<@relay.example:user@example.net> | example.net",
    "\"quoted@local\"@example.com | example.com",
    "Friends: a@example.com, b@sub.example.com; | ''",
    "Team: a@example.com, b@example.com; | example.com",
    "a@example.com, B <b@EXAMPLE.com> | example.com",
    "a@example.com, b@example.org | ''",
    "undisclosed-recipients:; | ''",
    "joe | ''",
    "joe@[192.0.2.1] | ''",
    "joe@localhost | ''",
    "'' | ''",
    "Grüße <g@bücher.example> | xn--bcher-kva.example",
    "a@.example.com | ''",
    "a@sub..example.com | ''",
    "a@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example | xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example",
    "a@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example | ''",
    "a@xn--bcher-kva.EXAMPLE | xn--bcher-kva.example",
    "a@ex_ample.com | ex_ample.com",
  })
  void domain(String value, String expected) {
    FromDomain.Result r = FromDomain.ofValue(value);
    if (expected.isEmpty()) {
      assertThat(r.ok()).as(r.toString()).isFalse();
      assertThat(r.error()).isNotBlank();
    } else {
      assertThat(r.domain()).isEqualTo(expected);
    }
  }
}
