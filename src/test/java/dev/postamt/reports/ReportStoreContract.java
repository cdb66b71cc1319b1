package dev.postamt.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link ReportStore} backend does; run by {@link SqliteReportStoreTest} and {@link PgReportStoreTest}. */
interface ReportStoreContract {
  Instant BEGIN = Instant.parse("2026-12-01T00:00:00Z");
  LocalDate DAY = LocalDate.parse("2026-12-01");

  /** An empty store; a second call in one test opens the same one again (another process, another node). */
  ReportStore open() throws Exception;

  static DmarcReport dmarc(String org, String id, String domain, Instant begin) {
    return new DmarcReport(org, "noreply@" + org, id, begin, begin.plusSeconds(86_399), domain, "quarantine", List.of(
        new DmarcReport.Row("192.0.2.10", 5, "none", "pass", "fail", domain, domain + "=pass", "x=fail"),
        new DmarcReport.Row("203.0.113.5", 2, "quarantine", "fail", "fail", domain, "", "x=fail")));
  }

  static TlsReport tls(String org, String id, String domain) {
    return new TlsReport(org, id, BEGIN, BEGIN.plusSeconds(86_399), "tls@" + org, List.of(
        new TlsReport.Policy("sts", domain, 90, 3, Map.of("certificate-expired", 2L, "starttls-not-supported", 1L))));
  }

  static DmarcObservation obs(String domain, String ip, boolean spf, String disposition) {
    return new DmarcObservation(domain, domain, ip, "bounce@" + domain, domain, spf ? "pass" : "fail", "", spf, false,
        disposition);
  }

  @Test
  default void dmarcReportsAreStoredOnceAndSummarisedBySourceAndDay() throws Exception {
    try (ReportStore s = open()) {
      assertThat(s.addDmarc(dmarc("google.example", "r1", "example.test", BEGIN))).isTrue();
      assertThat(s.addDmarc(dmarc("google.example", "r1", "example.test", BEGIN))).as("the same report again").isFalse();
      assertThat(s.addDmarc(dmarc("yahoo.example", "r1", "example.test", BEGIN.plusSeconds(86_400)))).isTrue();
      assertThat(s.addDmarc(dmarc("google.example", "r2", "other.test", BEGIN))).isTrue();
      Optional<Set<String>> mine = Optional.of(Set.of("example.test"));
      assertThat(s.dmarcBySource(mine, Instant.EPOCH)).containsExactly(
          new ReportStore.DmarcSource("192.0.2.10", 10, 10, 0, 0, 10),
          new ReportStore.DmarcSource("203.0.113.5", 4, 0, 4, 0, 0));
      assertThat(s.dmarcByDay(mine, Instant.EPOCH)).containsExactly(new ReportStore.DmarcDay(DAY, 7, 5, 2),
          new ReportStore.DmarcDay(DAY.plusDays(1), 7, 5, 2));
      assertThat(s.dmarcByDay(Optional.empty(), Instant.EPOCH).getFirst().messages()).isEqualTo(14);
      assertThat(s.dmarcBySource(Optional.of(Set.of()), Instant.EPOCH)).isEmpty();
      assertThat(s.reportCounts(Optional.empty(), Instant.EPOCH)).containsExactly(3, 0);
      assertThat(s.reportCounts(mine, BEGIN.plusSeconds(2 * 86_400 - 1))).as("ended since").containsExactly(1, 0);
    }
  }

  @Test
  default void tlsReportsAreStoredOnceAndSummarisedByDomain() throws Exception {
    try (ReportStore s = open()) {
      assertThat(s.addTls(tls("microsoft.example", "t1", "example.test"))).isTrue();
      assertThat(s.addTls(tls("microsoft.example", "t1", "example.test"))).isFalse();
      assertThat(s.addTls(tls("google.example", "t1", "example.test"))).isTrue();
      assertThat(s.addTls(tls("google.example", "t2", "other.test"))).isTrue();
      assertThat(s.tlsByDomain(Optional.of(Set.of("example.test")), Instant.EPOCH)).containsExactly(
          new ReportStore.TlsSummary("example.test", 180, 6, Map.of("certificate-expired", 4L, "starttls-not-supported", 2L)));
      assertThat(s.tlsByDomain(Optional.empty(), Instant.EPOCH)).extracting(ReportStore.TlsSummary::domain)
          .containsExactly("example.test", "other.test");
      assertThat(s.reportCounts(Optional.of(Set.of("other.test")), Instant.EPOCH)).containsExactly(0, 1);
    }
  }

  @Test
  default void evaluationsAreCountedPerDayAndOutcomeAndAReportIsMarkedSentOnce() throws Exception {
    try (ReportStore s = open()) {
      s.observe(DAY, obs("sender.example", "192.0.2.1", true, "none"));
      s.observe(DAY, obs("sender.example", "192.0.2.1", true, "none"));
      s.observe(DAY, obs("sender.example", "198.51.100.2", false, "quarantine"));
      s.observe(DAY, obs("other.example", "192.0.2.1", true, "none"));
      s.observe(DAY.plusDays(1), obs("later.example", "192.0.2.1", true, "none"));
      assertThat(s.observedDomains(DAY)).containsExactly("other.example", "sender.example");
      assertThat(s.observed(DAY, "sender.example")).containsExactly(
          new ReportStore.Observed(obs("sender.example", "192.0.2.1", true, "none"), 2),
          new ReportStore.Observed(obs("sender.example", "198.51.100.2", false, "quarantine"), 1));
      assertThat(s.sent(DAY, "sender.example")).isFalse();
      assertThat(s.markSent(DAY, "sender.example", "id-1", "mailto:dmarc@sender.example")).isTrue();
      assertThat(s.markSent(DAY, "sender.example", "id-2", "mailto:dmarc@sender.example")).isFalse();
      assertThat(s.sent(DAY, "sender.example")).isTrue();
      assertThat(s.sent(DAY.plusDays(1), "sender.example")).isFalse();
    }
  }

  @Test
  default void theReportsMailboxPositionHoldsForOneUidValidity() throws Exception {
    try (ReportStore a = open(); ReportStore b = open()) {
      assertThat(a.lastUid("alice@example.test/INBOX", 7)).isZero();
      a.setLastUid("alice@example.test/INBOX", 7, 41);
      a.setLastUid("alice@example.test/INBOX", 7, 42);
      assertThat(b.lastUid("alice@example.test/INBOX", 7)).isEqualTo(42);
      assertThat(b.lastUid("alice@example.test/INBOX", 8)).as("a new UIDVALIDITY starts over").isZero();
      b.setLastUid("alice@example.test/INBOX", 8, 3);
      assertThat(a.lastUid("alice@example.test/INBOX", 8)).isEqualTo(3);
    }
  }
}
