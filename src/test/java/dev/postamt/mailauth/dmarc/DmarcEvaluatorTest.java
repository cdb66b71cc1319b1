package dev.postamt.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mailauth.dkim.DkimResult;
import dev.postamt.mailauth.dmarc.DmarcRecord.Policy;
import dev.postamt.mailauth.dmarc.DmarcResult.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** RFC 7489 evaluation: discovery, alignment, policy selection and pct sampling. */
class DmarcEvaluatorTest {
  FakeResolver dns = new FakeResolver()
      .txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com")
      .txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
      .txt("_dmarc.half.example", "v=DMARC1; p=reject; pct=50")
      .txt("_dmarc.quarter.example", "v=DMARC1; p=quarantine; pct=25")
      .txt("_dmarc.monitor.example", "v=DMARC1; p=none")
      .txt("_dmarc.exact.sub.example.com", "v=DMARC1; p=none")
      .txt("_dmarc.two.example", "v=DMARC1; p=reject", "v=DMARC1; p=none")
      .txt("_dmarc.other.example", "v=spf1 -all", "some text")
      .txt("_dmarc.nop.example", "v=DMARC1; rua=mailto:x@nop.example")
      .txt("_dmarc.broken.example", "v=DMARC1; p=bogus")
      .txt("_dmarc.example.co.uk", "v=DMARC1; p=reject")
      .tempfail("_dmarc.flaky.example");

  DmarcEvaluator evaluator(int randomPercent) {
    return new DmarcEvaluator(dns, PublicSuffixList.bundled(), fixed(randomPercent), DkimResult::passed);
  }

  static RandomGenerator fixed(int value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return value;
      }

      @Override
      public int nextInt(int bound) {
        return value;
      }
    };
  }

  static DkimResult dkim(DkimResult.Status s, String d) {
    return new DkimResult(s, "", d, "sel", "rsa-sha256", "@" + d, "abcdefgh", 2048, false, false, List.of());
  }

  static final List<DkimResult> NO_DKIM = List.of();

  @Test
  void alignedSpfOrDkimPasses() {
    DmarcResult spf = evaluator(0).evaluate("example.com", new SpfOutcome("pass", "bounce.example.com"), NO_DKIM);
    assertThat(spf.status()).isEqualTo(Status.PASS);
    assertThat(spf.spfAligned()).isTrue();
    assertThat(spf.disposition()).isEqualTo(Policy.NONE);
    assertThat(spf.authResults()).isEqualTo("dmarc=pass (p=reject dis=none) header.from=example.com");
    DmarcResult dk = evaluator(0).evaluate("example.com", new SpfOutcome("fail", "evil.example"),
        List.of(dkim(DkimResult.Status.FAIL, "example.com"), dkim(DkimResult.Status.PASS, "mail.example.com")));
    assertThat(dk.status()).isEqualTo(Status.PASS);
    assertThat(dk.dkimAligned()).isTrue();
  }

  @Test
  void unalignedPassesFail() {
    DmarcResult r = evaluator(0).evaluate("example.com", new SpfOutcome("pass", "example.net"),
        List.of(dkim(DkimResult.Status.PASS, "example.net"), dkim(DkimResult.Status.PASS, "notexample.com")));
    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.policy()).isEqualTo(Policy.REJECT);
    assertThat(r.reject()).isTrue();
    assertThat(r.authResults()).isEqualTo("dmarc=fail (p=reject dis=reject) header.from=example.com");
    // A DKIM "policy" (rsa-sha1) result is no pass.
    assertThat(evaluator(0).evaluate("example.com", SpfOutcome.NONE,
        List.of(dkim(DkimResult.Status.POLICY, "example.com"))).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void strictAlignmentNeedsTheExactDomain() {
    assertThat(evaluator(0).evaluate("strict.example", new SpfOutcome("pass", "mail.strict.example"), NO_DKIM).status())
        .isEqualTo(Status.FAIL);
    assertThat(evaluator(0).evaluate("strict.example", SpfOutcome.NONE, List.of(dkim(DkimResult.Status.PASS, "sub.strict.example"))).status())
        .isEqualTo(Status.FAIL);
    assertThat(evaluator(0).evaluate("strict.example", new SpfOutcome("pass", "STRICT.example."), NO_DKIM).status())
        .isEqualTo(Status.PASS);
  }

  @Test
  void subdomainsUseTheOrganizationalRecordAndSp() {
    DmarcResult r = evaluator(0).evaluate("news.example.com", SpfOutcome.NONE, NO_DKIM);
    assertThat(r.policyDomain()).isEqualTo("example.com");
    assertThat(r.policy()).isEqualTo(Policy.QUARANTINE);
    assertThat(dns.queries()).containsExactly("_dmarc.news.example.com", "_dmarc.example.com");
    // A record at the subdomain itself wins, with its own p=.
    assertThat(evaluator(0).evaluate("exact.sub.example.com", SpfOutcome.NONE, NO_DKIM).policy()).isEqualTo(Policy.NONE);
    // The organizational domain comes from the Public Suffix List.
    DmarcResult uk = evaluator(0).evaluate("a.b.example.co.uk", SpfOutcome.NONE, List.of(dkim(DkimResult.Status.PASS, "example.co.uk")));
    assertThat(uk.status()).isEqualTo(Status.PASS);
    assertThat(uk.policyDomain()).isEqualTo("example.co.uk");
    assertThat(evaluator(0).evaluate("a.monitor.example", SpfOutcome.NONE, NO_DKIM).policy()).isEqualTo(Policy.NONE);
  }

  @Test
  void pctSamplesFailuresIntoAMilderPolicy() {
    DmarcResult in = evaluator(49).evaluate("half.example", SpfOutcome.NONE, NO_DKIM);
    assertThat(in.disposition()).isEqualTo(Policy.REJECT);
    assertThat(in.sampledOut()).isFalse();
    DmarcResult out = evaluator(50).evaluate("half.example", SpfOutcome.NONE, NO_DKIM);
    assertThat(out.disposition()).isEqualTo(Policy.QUARANTINE);
    assertThat(out.sampledOut()).isTrue();
    assertThat(out.authResults()).isEqualTo("dmarc=fail (p=reject dis=quarantine pct sampled out) header.from=half.example");
    assertThat(evaluator(30).evaluate("quarter.example", SpfOutcome.NONE, NO_DKIM).disposition()).isEqualTo(Policy.NONE);
    assertThat(evaluator(10).evaluate("quarter.example", SpfOutcome.NONE, NO_DKIM).quarantine()).isTrue();
  }

  @Test
  void noUsableRecordIsNone() {
    assertThat(evaluator(0).evaluate("nowhere.example", SpfOutcome.NONE, NO_DKIM).authResults())
        .isEqualTo("dmarc=none (no DMARC record) header.from=nowhere.example");
    assertThat(evaluator(0).evaluate("other.example", SpfOutcome.NONE, NO_DKIM).status()).isEqualTo(Status.NONE);
    DmarcResult two = evaluator(0).evaluate("sub.two.example", SpfOutcome.NONE, NO_DKIM);
    assertThat(two.status()).isEqualTo(Status.NONE);
    DmarcResult twoExact = evaluator(0).evaluate("two.example", SpfOutcome.NONE, NO_DKIM);
    assertThat(twoExact.reason()).startsWith("several DMARC records");
    assertThat(evaluator(0).evaluate("broken.example", SpfOutcome.NONE, NO_DKIM).status()).isEqualTo(Status.NONE);
    // p= missing but rua= present: treated as p=none (§6.6.3).
    assertThat(evaluator(0).evaluate("nop.example", SpfOutcome.NONE, NO_DKIM).policy()).isEqualTo(Policy.NONE);
  }

  @Test
  void temporaryErrors() {
    assertThat(evaluator(0).evaluate("flaky.example", SpfOutcome.NONE, NO_DKIM).status()).isEqualTo(Status.TEMPERROR);
    DmarcResult r = evaluator(0).evaluate("example.com", new SpfOutcome("temperror", "example.com"), NO_DKIM);
    assertThat(r.status()).isEqualTo(Status.TEMPERROR);
    assertThat(r.reject()).isFalse();
    assertThat(evaluator(0).evaluate("example.com", SpfOutcome.NONE, List.of(dkim(DkimResult.Status.TEMPERROR, "example.com"))).status())
        .isEqualTo(Status.TEMPERROR);
  }

  @Test
  void weakDkimPassesCanBeDiscounted() {
    DkimResult limited = new DkimResult(DkimResult.Status.PASS, "", "example.com", "s", "rsa-sha256", "@example.com", "x", 2048, false, true, List.of());
    assertThat(evaluator(0).evaluate("example.com", SpfOutcome.NONE, List.of(limited)).status()).isEqualTo(Status.PASS);
    DmarcEvaluator strict = new DmarcEvaluator(dns, PublicSuffixList.bundled(), fixed(0), d -> d.passed() && !d.weak());
    assertThat(strict.evaluate("example.com", SpfOutcome.NONE, List.of(limited)).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void fromHeaderProblemsArePermerror() {
    HeaderSection two = HeaderSection.parse("From: a@example.com\r\nFrom: b@example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    DmarcResult r = evaluator(0).evaluate(two, SpfOutcome.NONE, NO_DKIM);
    assertThat(r.status()).isEqualTo(Status.PERMERROR);
    assertThat(r.authResults()).isEqualTo("dmarc=permerror (multiple From headers)");
    HeaderSection ok = HeaderSection.parse("From: \"CEO\" <ceo@Example.COM>\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(evaluator(0).evaluate(ok, SpfOutcome.NONE, NO_DKIM).fromDomain()).isEqualTo("example.com");
  }
}
