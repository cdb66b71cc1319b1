package dev.postamt.tlsrpt;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The TLS results of outbound sessions, kept per UTC day and policy domain until they are reported
 * (RFC 8460 §4.4). Recording is called from delivery and must never fail it: implementations log and
 * swallow their own errors there.
 */
public interface TlsReports extends AutoCloseable {

  /**
   * The results {@code config} names: PostgreSQL when {@code [database] url} is set, else {@code
   * data_dir/tlsrpt.db}; days are UTC days of {@code clock}.
   */
  static TlsReports open(dev.postamt.config.Config config, java.time.Clock clock) throws java.io.IOException {
    if (config.database().postgres().isEmpty()) {
      return SqliteTlsReports.open(config.dataDir(), clock);
    }
    try {
      return PgTlsReports.open(dev.postamt.postgres.PgDatabase.of(config.database()), clock);
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new java.io.IOException(e.getMessage(), e);
    }
  }

  /**
   * Claims the sending of reports for one run of {@link DailyReports}, or empty when another node is sending;
   * closing the claim ends it. One data directory (SQLite) has one server, whose job alone sends.
   */
  default java.util.Optional<AutoCloseable> claimSending() {
    return java.util.Optional.of(() -> {});
  }
  /**
   * One kind of failed session ({@code failure-details} entry, RFC 8460 §4.4): what went wrong, where.
   *
   * @param sendingIp our address ({@code sending-mta-ip}); empty when no connection was made
   * @param mxHost {@code receiving-mx-hostname}; empty when the failure was not about one host
   * @param receivingIp {@code receiving-ip}; empty as above
   * @param reason {@code failure-reason-code}: our own short text
   */
  record Failure(ResultType type, String sendingIp, String mxHost, String receivingIp, String reason) {}

  record FailureCount(Failure failure, long count) {}

  /** What one policy of a domain saw on one day. */
  record PolicyResults(Policy policy, long successes, List<FailureCount> failures) {
    public long failureCount() {
      return failures.stream().mapToLong(FailureCount::count).sum();
    }
  }

  /** A session that negotiated TLS as {@code policy} demands (or, with no policy, TLS at all). */
  void success(Policy policy);

  /** A session (or, for a policy failure, a delivery attempt) that failed as {@code failure} says. */
  void failure(Policy policy, Failure failure);

  /** The days with results, oldest first. */
  List<LocalDate> days();

  /** The results of {@code day}, by policy domain (sorted). */
  Map<String, List<PolicyResults>> day(LocalDate day);

  /** Drops what {@code day} holds for {@code domain}: it was reported (or has no one to report to). */
  void forget(LocalDate day, String domain);

  @Override
  void close();

  /** Records nothing: delivery without reporting (tests, tools). */
  TlsReports NONE = new TlsReports() {
    @Override
    public void success(Policy policy) {}

    @Override
    public void failure(Policy policy, Failure failure) {}

    @Override
    public List<LocalDate> days() {
      return List.of();
    }

    @Override
    public Map<String, List<PolicyResults>> day(LocalDate day) {
      return Map.of();
    }

    @Override
    public void forget(LocalDate day, String domain) {}

    @Override
    public void close() {}
  };
}
