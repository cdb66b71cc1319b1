package dev.postamt.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Postamt keeps about DMARC and TLS reports: the reports received (deduplicated by reporter and
 * report id), the DMARC evaluations of inbound mail that our own aggregate reports are built from, the
 * reports sent, and how far the reports mailbox has been read: {@link SqliteReportStore} ({@code
 * data_dir/reports.db}) or, with {@code [database] url}, {@link PgReportStore} shared by every node.
 *
 * <p>{@code domains} filters: empty means every domain (a global administrator, the CLI), otherwise only
 * reports about those domains (a domain administrator in the console).
 */
public interface ReportStore extends AutoCloseable {

  /** The store {@code config} names: PostgreSQL when {@code [database] url} is set, else {@code data_dir/reports.db}. */
  static ReportStore open(dev.postamt.config.Config config) throws ReportException {
    if (config.database().postgres().isEmpty()) {
      return SqliteReportStore.open(config.dataDir());
    }
    try {
      return PgReportStore.open(dev.postamt.postgres.PgDatabase.of(config.database()));
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new ReportException(e.getMessage(), e);
    }
  }

  /**
   * Claims the sending of the daily aggregate reports for one run, or empty when another node is sending;
   * closing the claim ends it. One data directory (SQLite) has one server, whose timer alone sends.
   */
  default Optional<AutoCloseable> claimSending() throws ReportException {
    return Optional.of(() -> {});
  }

  /** Stores a received DMARC report; false when this reporter's report id is already stored. */
  boolean addDmarc(DmarcReport report) throws ReportException;

  /** Stores a received TLS report; false when it is already stored. */
  boolean addTls(TlsReport report) throws ReportException;

  /** Per source IP, busiest first: messages, DMARC pass and fail, SPF and DKIM aligned. */
  List<DmarcSource> dmarcBySource(Optional<Set<String>> domains, Instant since) throws ReportException;

  /** Per day (of the report's start), oldest first. */
  List<DmarcDay> dmarcByDay(Optional<Set<String>> domains, Instant since) throws ReportException;

  /** Per policy domain: sessions that succeeded and failed, failures by result type. */
  List<TlsSummary> tlsByDomain(Optional<Set<String>> domains, Instant since) throws ReportException;

  /** How many DMARC and TLS reports are stored (since {@code since}). */
  long[] reportCounts(Optional<Set<String>> domains, Instant since) throws ReportException;

  /** Counts one inbound message's DMARC evaluation towards the report for its day. */
  void observe(LocalDate day, DmarcObservation o) throws ReportException;

  /** The policy domains with evaluations recorded on {@code day}. */
  List<String> observedDomains(LocalDate day) throws ReportException;

  /** The evaluations of {@code day} for one policy domain, with their counts. */
  List<Observed> observed(LocalDate day, String policyDomain) throws ReportException;

  /** Records that the report for {@code day} and {@code domain} went out; false when it already had. */
  boolean markSent(LocalDate day, String domain, String reportId, String recipients) throws ReportException;

  /** Whether the report for {@code day} and {@code domain} went out. */
  boolean sent(LocalDate day, String domain) throws ReportException;

  /** The highest UID of {@code mailbox} already read, for this UIDVALIDITY; 0 when none. */
  long lastUid(String mailbox, long uidValidity) throws ReportException;

  void setLastUid(String mailbox, long uidValidity, long uid) throws ReportException;

  @Override
  void close();

  record DmarcSource(String ip, long messages, long passed, long failed, long spfAligned, long dkimAligned) {}

  record DmarcDay(LocalDate day, long messages, long passed, long failed) {}

  record TlsSummary(String domain, long successes, long failures, Map<String, Long> failuresByType) {}

  /** One evaluation counted {@code count} times on its day. */
  record Observed(DmarcObservation observation, long count) {}
}
