package dev.postamt.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A claim one node holds on one piece of work (an account being collected, a day's reports being sent) so
 * that no other node does it at the same time: a transaction-level advisory lock ({@code
 * pg_try_advisory_xact_lock(space, key)}) on a pool connection that stays in its transaction until {@link
 * #close}. Taking it never waits: a claim held elsewhere gives empty at once. It goes when closed, and also
 * when the node dies (PostgreSQL ends the transaction with the connection), so a crash never leaves work
 * claimed. It locks no row: the holder writes its progress on other connections.
 */
public final class AdvisoryClaim implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdvisoryClaim.class);

  private final Connection held;

  private AdvisoryClaim(Connection held) {
    this.held = held;
  }

  /**
   * Claims ({@code space}, {@code key}) in {@code db}, or empty when another connection holds it.
   *
   * @param space which kind of work (a constant per owner, so that owners never collide)
   */
  public static Optional<AdvisoryClaim> tryTake(PgDatabase db, int space, int key) throws SQLException {
    Connection c = db.connection();
    try {
      c.setAutoCommit(false);
      boolean got;
      try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
        p.setInt(1, space);
        p.setInt(2, key);
        try (ResultSet r = p.executeQuery()) {
          got = r.next() && r.getBoolean(1);
        }
      }
      if (got) {
        return Optional.of(new AdvisoryClaim(c));
      }
    } catch (SQLException | RuntimeException e) {
      release(c);
      throw e;
    }
    release(c);
    return Optional.empty();
  }

  /** Ends the transaction, which lets the lock go, and returns the connection to the pool. */
  @Override
  public void close() {
    release(held);
  }

  private static void release(Connection c) {
    try {
      try {
        c.rollback();
        c.setAutoCommit(true);
      } finally {
        c.close();
      }
    } catch (SQLException e) {
      // a broken connection ended its transaction (and the lock) already; the pool drops it
      log.debug("postgresql: releasing a claim: {}", e.getMessage());
    }
  }
}
