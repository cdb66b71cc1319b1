package dev.postamt.tlsrpt;

import dev.postamt.postgres.AdvisoryClaim;
import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The TLS results in PostgreSQL, table {@code tlsrpt_outcome}, counted by every node; the SQL is {@link
 * SqlTlsReports}'. The daily reports are sent by one node at a time ({@link #claimSending}): the first node
 * whose hourly job runs sends a finished day and forgets it, and the others find nothing left to send.
 */
public final class PgTlsReports extends SqlTlsReports {
  static final String OWNER = "tlsrpt";
  /** The advisory lock space of sending TLS reports ("tlsr"). */
  private static final int SENDING = 0x746c7372;

  private final PgDatabase pg;

  private PgTlsReports(PgDatabase pg, Connections db, Clock clock) {
    super(db, "tlsrpt_outcome", clock);
    this.pg = pg;
  }

  /** The results in {@code db}, the table created first; days are UTC days of {@code clock}. */
  public static PgTlsReports open(PgDatabase db, Clock clock) {
    return new PgTlsReports(db, Connections.postgres(db, OWNER, List.of(schema("tlsrpt_outcome", true))), clock);
  }

  @Override
  public Optional<AutoCloseable> claimSending() {
    try {
      return AdvisoryClaim.tryTake(pg, SENDING, 0).map(c -> (AutoCloseable) c);
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException(pg.display() + ": claim sending: " + e.getMessage(), e));
    }
  }
}
