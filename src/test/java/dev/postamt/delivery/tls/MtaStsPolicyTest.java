package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 8461 §3.2 policy syntax and §4.1 MX matching, with the RFC's own examples. */
class MtaStsPolicyTest {
  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void parsesTheRfcExample() {
    MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
        + "mx: backupmx.example.com\r\nmax_age: 604800\r\n", "20160831085700Z", T).orElseThrow();
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
    assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(p.fresh(T.plus(Duration.ofDays(6)))).isTrue();
    assertThat(p.fresh(T.plus(Duration.ofDays(7)))).isFalse();
    assertThat(MtaStsPolicy.parse(p.text(), "x", T)).contains(p.withId("x"));
  }

  @Test
  void matchesMxHostsAsSection41Says() {
    MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 86400\n",
        "1", T).orElseThrow();
    assertThat(p.allows("mail.example.com")).isTrue();
    assertThat(p.allows("MAIL.example.com.")).isTrue();
    assertThat(p.allows("mx1.example.net")).isTrue();
    assertThat(p.allows("example.net")).as("the wildcard stands for exactly one label").isFalse();
    assertThat(p.allows("a.b.example.net")).isFalse();
    assertThat(p.allows("evil-mail.example.com")).isFalse();
  }

  @Test
  void refusesWhatIsNotAPolicy() {
    assertThat(MtaStsPolicy.parse("mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 1\n", "1", T)).as("version first").isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "1", T)).isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n", "1", T)).isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n", "1", T)).as("enforce without mx").isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\n", "1", T)).as("no max_age").isEmpty();
    assertThat(MtaStsPolicy.parse("<html>", "1", T)).isEmpty();
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 99999999999\n", "1", T)).as("too many digits").isEmpty();
    MtaStsPolicy capped = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 9999999999\nextension: ignored\n", "1", T).orElseThrow();
    assertThat(capped.maxAge().toSeconds()).isEqualTo(31_557_600L);
    assertThat(capped.mx()).isEqualTo(List.of());
  }

  @Test
  void certificateNamesFollowRfc6125() {
    assertThat(CertificateNames.names(List.of("*.example.org"), "mx.example.org")).isTrue();
    assertThat(CertificateNames.names(List.of("*.example.org"), "example.org")).isFalse();
    assertThat(CertificateNames.names(List.of("*.example.org"), "a.mx.example.org")).isFalse();
    assertThat(CertificateNames.names(List.of("mx.example.org"), "MX.Example.ORG.")).isTrue();
    assertThat(CertificateNames.names(List.of("m*.example.org"), "mx.example.org")).isFalse();
  }
}
