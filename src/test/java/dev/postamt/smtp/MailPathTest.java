package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The MAIL/RCPT argument parser, as a table of wire text to parsed path. */
class MailPathTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // argument                          | address                   | trick | literal
        "<alice@example.test>                | alice@example.test        | false | false",
        " <alice@Example.TEST>               | alice@example.test        | false | false",
        "alice@example.test                  | alice@example.test        | false | false",
        "<\"john doe\"@example.test>         | \"john doe\"@example.test | false | false",
        "<\"a\\\"b\"@example.test>           | \"a\\\"b\"@example.test   | false | false",
        "<a%b@example.test>                  | a%b@example.test          | true  | false",
        "<a!b@example.test>                  | a!b@example.test          | true  | false",
        "<@relay.example,@x.example:u@y.example> | u@y.example           | true  | false",
        "<\"u@y.example\"@example.test>      | \"u@y.example\"@example.test | true | false",
        "<u@[192.0.2.1]>                     | u@[192.0.2.1]             | false | true",
        "<u@[IPv6:2001:db8::1]>              | u@[ipv6:2001:db8::1]      | false | true",
        "<postmaster>                        | postmaster                | false | false",
        "<PostMaster>                        | postmaster                | false | false",
      })
  void validPaths(String arg, String address, boolean trick, boolean literal) throws Exception {
    MailPath p = MailPath.parse(arg, false);
    assertThat(p.address()).isEqualTo(address);
    assertThat(p.routingTrick()).isEqualTo(trick);
    assertThat(p.addressLiteral()).isEqualTo(literal);
  }

  @Test
  void nullPathOnlyWhereAllowed() throws Exception {
    assertThat(MailPath.parse("<>", true).isNull()).isTrue();
    assertThat(MailPath.parse("<> SIZE=10", true).params()).containsEntry("SIZE", "10");
    assertThatThrownBy(() -> MailPath.parse("<>", false)).isInstanceOf(SmtpException.class);
  }

  @Test
  void parametersAreUpperCasedAndKeepTheirValues() throws Exception {
    MailPath p = MailPath.parse("<a@b.example> body=8bitmime SMTPUTF8 ENVID=abc+2Bdef", true);
    assertThat(p.params()).containsEntry("BODY", "8bitmime").containsEntry("SMTPUTF8", null).containsEntry("ENVID", "abc+2Bdef");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<a@example.test.>",
        "<a@.example.test>",
        "<a@exa..mple>",
        "<a@-example.test>",
        "<.a@example.test>",
        "<a..b@example.test>",
        "<a b@example.test>",
        "<a@example.test",
        "<a@example.test>x",
        "<a@[300.1.1.1]>",
        "<a@[example]>",
        "<\"unterminated@example.test>",
        "<nobody>",
        "<a@b.example> =x",
        "<a@b.example> SIZE=",
        "<a@b.example> SIZE=1 SIZE=2",
        "<a@>",
        "<@>",
        "",
      })
  void malformedPathsAreRefused(String arg) {
    assertThatThrownBy(() -> MailPath.parse(arg, true)).isInstanceOf(SmtpException.class);
  }

  @Test
  void utf8IsNoticed() throws Exception {
    assertThat(MailPath.parse("<jörg@bücher.example>", false).utf8()).isTrue();
    assertThat(MailPath.parse("<j@b.example>", false).utf8()).isFalse();
  }

  @Test
  void srsLocalPartsMayBeLongerThan64Octets() throws Exception {
    String srs = "SRS0=AbCd=2W=department.long-company-name.example=firstname.middlename.lastname";
    assertThat(MailPath.parse("<" + srs + "@mx.example.test>", false).localPart()).isEqualTo(srs);
    assertThat(MailPath.parse("<" + srs + "@mx.example.test>", true).localPart()).isEqualTo(srs);
    assertThatThrownBy(() -> MailPath.parse("<x" + srs + "@mx.example.test>", false))
        .isInstanceOf(SmtpException.class).hasMessageContaining("too long");
    assertThatThrownBy(() -> MailPath.parse("<SRS0=" + "x".repeat(MailPath.MAX_SRS_LOCAL_PART) + "@mx.example.test>", false))
        .isInstanceOf(SmtpException.class).hasMessageContaining("too long");
  }
}
