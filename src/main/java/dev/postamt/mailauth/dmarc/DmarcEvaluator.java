package dev.postamt.mailauth.dmarc;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mailauth.dkim.DkimResult;
import dev.postamt.mailauth.dmarc.DmarcRecord.Policy;
import dev.postamt.mailauth.dmarc.DmarcResult.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Evaluates DMARC (RFC 7489): finds the RFC5322.From domain, discovers its policy at {@code
 * _dmarc.<from domain>} and then at {@code _dmarc.<organizational domain>} (§6.6.3), checks whether an
 * SPF or DKIM pass is aligned with the From domain (§3.1, relaxed or strict), and picks the disposition
 * (p=, sp=, pct=). np= (RFC 9091) is not used.
 *
 * <p>DNS failure while finding the record gives TEMPERROR. A failure where an aligned SPF or DKIM
 * check itself had a temporary error is also TEMPERROR rather than FAIL, so that a p=reject domain's
 * mail is deferred, not refused, while its DNS is unwell.
 */
public final class DmarcEvaluator {
  private final Resolver resolver;
  private final PublicSuffixList psl;
  private final RandomGenerator random;
  private final Predicate<DkimResult> dkimCounts;

  public DmarcEvaluator(Resolver resolver) {
    this(resolver, PublicSuffixList.bundled(), RandomGenerator.getDefault(), DkimResult::passed);
  }

  /**
   * @param random decides pct= sampling (inject a fixed one in tests)
   * @param dkimCounts which DKIM results may align; the default counts every pass, a stricter site can
   *     pass {@code r -> r.passed() && !r.weak()} to disregard l= and unsigned-extra-From passes
   */
  public DmarcEvaluator(
      Resolver resolver, PublicSuffixList psl, RandomGenerator random, Predicate<DkimResult> dkimCounts) {
    this.resolver = resolver;
    this.psl = psl;
    this.random = random;
    this.dkimCounts = dkimCounts;
  }

  /** Evaluates a message given its header section, the SPF outcome and its DKIM results. */
  public DmarcResult evaluate(HeaderSection headers, SpfOutcome spf, List<DkimResult> dkim) {
    FromDomain.Result from = FromDomain.of(headers);
    if (!from.ok()) {
      return new DmarcResult(Status.PERMERROR, from.error(), null, null, null, Policy.NONE, false, false, false);
    }
    return evaluate(from.domain(), spf, dkim);
  }

  public DmarcResult evaluate(String fromDomain, SpfOutcome spf, List<DkimResult> dkim) {
    String from = fromDomain.toLowerCase(Locale.ROOT);
    String org = psl.organizationalDomain(from);
    Discovery d = discover(from);
    if (d.tempfail) {
      return new DmarcResult(Status.TEMPERROR, "DNS error looking up _dmarc." + from, from, null, null, Policy.NONE, false, false, false);
    }
    String policyDomain = from;
    if (d.record.isEmpty() && !d.terminal && !org.equals(from)) {
      d = discover(org);
      if (d.tempfail) {
        return new DmarcResult(Status.TEMPERROR, "DNS error looking up _dmarc." + org, from, null, null, Policy.NONE, false, false, false);
      }
      policyDomain = org;
    }
    if (d.record.isEmpty()) {
      return new DmarcResult(Status.NONE, d.why, from, null, null, Policy.NONE, false, false, false);
    }
    DmarcRecord rec = d.record.get();
    // §6.6.3 step 5 / §6.3 sp=: a record found at the organizational domain for a subdomain uses sp=.
    Policy policy = policyDomain.equals(from) ? rec.policy() : rec.subdomainPolicy().orElse(rec.policy());

    boolean spfAligned = spf.passed() && spf.domain() != null && aligned(spf.domain(), from, rec.strictSpf());
    boolean dkimAligned = false;
    boolean alignedTempError = spf.result().equals("temperror") && spf.domain() != null
        && aligned(spf.domain(), from, rec.strictSpf());
    for (DkimResult r : dkim) {
      if (r.domain() == null || !aligned(r.domain(), from, rec.strictDkim())) {
        continue;
      }
      dkimAligned |= dkimCounts.test(r);
      alignedTempError |= r.status() == DkimResult.Status.TEMPERROR;
    }
    if (spfAligned || dkimAligned) {
      return new DmarcResult(Status.PASS, "", from, policyDomain, policy, Policy.NONE, spfAligned, dkimAligned, false);
    }
    if (alignedTempError) {
      return new DmarcResult(Status.TEMPERROR, "aligned check had a temporary error", from, policyDomain, policy,
          Policy.NONE, false, false, false);
    }
    // §6.6.4: with pct < 100 only that share of failing mail gets the policy, the rest one step milder.
    boolean sampledOut = policy != Policy.NONE && rec.percent() < 100 && random.nextInt(100) >= rec.percent();
    Policy disposition = sampledOut ? policy.weaker() : policy;
    return new DmarcResult(Status.FAIL, "", from, policyDomain, policy, disposition, false, false, sampledOut);
  }

  /** Identifier alignment (§3.1.1, §3.1.2): strict needs equal names, relaxed equal organizational domains. */
  boolean aligned(String domain, String fromDomain, boolean strict) {
    String a = domain.toLowerCase(Locale.ROOT);
    if (a.endsWith(".")) {
      a = a.substring(0, a.length() - 1);
    }
    if (strict) {
      return a.equals(fromDomain);
    }
    return psl.organizationalDomain(a).equals(psl.organizationalDomain(fromDomain));
  }

  private record Discovery(Optional<DmarcRecord> record, boolean tempfail, String why, boolean terminal) {}

  private Discovery discover(String domain) {
    DnsResult<String> txt = resolver.txt("_dmarc." + domain);
    if (txt.status() == DnsResult.Status.TEMPFAIL) {
      return new Discovery(Optional.empty(), true, "", true);
    }
    List<String> dmarc = new ArrayList<>();
    for (String r : txt.records()) {
      if (DmarcRecord.isDmarc(r)) {
        dmarc.add(r);
      }
    }
    if (dmarc.size() > 1) {
      // §6.6.3 step 4: several records mean no policy at all.
      return new Discovery(Optional.empty(), false, "several DMARC records at _dmarc." + domain, true);
    }
    if (dmarc.isEmpty()) {
      return new Discovery(Optional.empty(), false, "no DMARC record", false);
    }
    Optional<DmarcRecord> rec = DmarcRecord.parse(dmarc.getFirst());
    return new Discovery(rec, false, rec.isEmpty() ? "unusable DMARC record at _dmarc." + domain : "", false);
  }
}
