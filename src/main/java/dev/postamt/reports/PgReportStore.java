package dev.postamt.reports;

import dev.postamt.postgres.AdvisoryClaim;
import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * {@link ReportStore} in PostgreSQL, shared by every node (tables {@code dmarc_reports}, {@code dmarc_records},
 * {@code tls_reports}, {@code tls_policies}, {@code tls_failures}, {@code dmarc_seen}, {@code dmarc_sent},
 * {@code reports_mailbox_read}); the SQL is {@link SqlReportStore}'. Every node counts the DMARC evaluations of
 * the mail it receives; the daily aggregate reports are sent by one node at a time ({@link #claimSending}).
 */
public final class PgReportStore extends SqlReportStore {
  static final String OWNER = "reports";
  /** The advisory lock space of sending DMARC aggregate reports ("dmrc"). */
  private static final int SENDING = 0x646d7263;

  private final PgDatabase pg;

  private PgReportStore(PgDatabase pg, Connections db) {
    super(db);
    this.pg = pg;
  }

  /** The store in {@code db}, its tables created or upgraded first. */
  public static PgReportStore open(PgDatabase db) throws ReportException {
    try {
      return new PgReportStore(db, Connections.postgres(db, OWNER, List.of(String.join(";\n", schema(true)))));
    } catch (PgDatabase.Failure e) {
      throw new ReportException(e.getMessage(), e);
    }
  }

  @Override
  public Optional<AutoCloseable> claimSending() throws ReportException {
    try {
      return AdvisoryClaim.tryTake(pg, SENDING, 0).map(c -> (AutoCloseable) c);
    } catch (SQLException e) {
      throw new ReportException(pg.display() + ": cannot claim sending the reports: " + e.getMessage(), e);
    }
  }
}
