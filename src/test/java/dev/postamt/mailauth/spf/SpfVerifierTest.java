package dev.postamt.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.dns.ZoneFileResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The public API around check_host(), and macro expansion on its own (RFC 7208 §7.4 examples). */
class SpfVerifierTest {
  private static final String ZONE =
      """
      example.test.      TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all exp=why.example.test"
      why.example.test.  TXT "%{i} is not %{l} at %{o}, asked %{r} at %{t}"
      helo.example.test. TXT "v=spf1 a -all"
      helo.example.test. A   198.51.100.7
      """;

  private static SpfVerifier verifier() throws IOException {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    return new SpfVerifier(ZoneFileResolver.parse(ZONE), "mx.receiver.test", clock);
  }

  @Test
  void mailFromIdentityWithExplanation() throws IOException {
    SpfResult r = verifier().check(InetAddress.ofLiteral("203.0.113.9"), "<joe@example.test>", "helo.example.test");
    assertThat(r.result()).isEqualTo(SpfResult.Result.FAIL);
    assertThat(r.identity()).isEqualTo(SpfResult.Identity.MAILFROM);
    assertThat(r.domain()).isEqualTo("example.test");
    assertThat(r.explanation()).contains("203.0.113.9 is not joe at example.test, asked mx.receiver.test at 1700000000");
    assertThat(r.authenticationResult()).isEqualTo("spf=fail smtp.mailfrom=joe@example.test");
    assertThat(r.reason()).contains("-all");
  }

  @Test
  void nullSenderUsesHeloAndPostmaster() throws IOException {
    SpfResult r = verifier().check(InetAddress.ofLiteral("198.51.100.7"), "", "helo.example.test");
    assertThat(r.result()).isEqualTo(SpfResult.Result.PASS);
    assertThat(r.identity()).isEqualTo(SpfResult.Identity.HELO);
    assertThat(r.sender()).isEqualTo("postmaster@helo.example.test");
    assertThat(r.authenticationResult()).isEqualTo("spf=pass smtp.helo=helo.example.test");
    assertThat(r.explanation()).isEmpty();
  }

  @Test
  void ipv6AndMappedClients() throws IOException {
    assertThat(verifier().checkMailFrom(InetAddress.ofLiteral("2001:db8::25"), "a@example.test", "x").result())
        .isEqualTo(SpfResult.Result.PASS);
    assertThat(verifier().checkMailFrom(InetAddress.ofLiteral("::ffff:192.0.2.25"), "a@example.test", "x").result())
        .isEqualTo(SpfResult.Result.PASS);
  }

  @Test
  void malformedIdentitiesAreNone() throws IOException {
    InetAddress ip = InetAddress.ofLiteral("192.0.2.1");
    assertThat(verifier().checkHelo(ip, "[192.0.2.1]").result()).isEqualTo(SpfResult.Result.NONE);
    assertThat(verifier().checkHelo(ip, "localhost").result()).isEqualTo(SpfResult.Result.NONE);
    assertThat(verifier().checkMailFrom(ip, "a@x..test", "h").result()).isEqualTo(SpfResult.Result.NONE);
  }

  /** RFC 7208 §7.4, with sender strong-bad@email.example.com and client 192.0.2.3 / 2001:db8::cb01. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "%{s}|strong-bad@email.example.com",
        "%{o}|email.example.com",
        "%{d}|email.example.com",
        "%{d4}|email.example.com",
        "%{d3}|email.example.com",
        "%{d2}|example.com",
        "%{d1}|com",
        "%{dr}|com.example.email",
        "%{d2r}|example.email",
        "%{l}|strong-bad",
        "%{l-}|strong.bad",
        "%{lr}|strong-bad",
        "%{lr-}|bad.strong",
        "%{l1r-}|strong",
        "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
        "%{S}|strong-bad%40email.example.com",
        "a%%b%_c%-d|a%b c%20d",
      })
  void macroExpansion(String macro, String expected) throws SpfError {
    SpfMacro.Values v =
        letter ->
            switch (letter) {
              case 's' -> "strong-bad@email.example.com";
              case 'l' -> "strong-bad";
              case 'o', 'd' -> "email.example.com";
              case 'i' -> "192.0.2.3";
              case 'v' -> "in-addr";
              default -> "?";
            };
    assertThat(SpfMacro.expand(macro, false, v)).isEqualTo(expected);
  }

  @Test
  void ipv6MacroUsesNibbles() throws IOException {
    String zone = "example.test. TXT \"v=spf1 exists:%{ir}.%{v}.x.test -all\"\n"
        + "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.x.test. A 127.0.0.2\n";
    SpfVerifier v = new SpfVerifier(ZoneFileResolver.parse(zone), "r");
    assertThat(v.checkMailFrom(InetAddress.ofLiteral("2001:db8::cb01"), "a@example.test", "h").result())
        .isEqualTo(SpfResult.Result.PASS);
  }

  @Test
  void macroSyntaxErrors() {
    assertThatThrownBy(() -> SpfMacro.validate("%{x}", false)).isInstanceOf(SpfError.class);
    assertThatThrownBy(() -> SpfMacro.validate("%{c}", false)).isInstanceOf(SpfError.class);
    assertThatThrownBy(() -> SpfMacro.validate("%{d0}", false)).isInstanceOf(SpfError.class);
    assertThatThrownBy(() -> SpfMacro.validate("%{d", false)).isInstanceOf(SpfError.class);
    assertThatThrownBy(() -> SpfMacro.validate("a%b", false)).isInstanceOf(SpfError.class);
    assertThatThrownBy(() -> SpfMacro.validate("a b", false)).isInstanceOf(SpfError.class);
  }
}
