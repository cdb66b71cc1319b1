package dev.postamt.collect;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CollectAccounts} in PostgreSQL, shared by every node: tables {@code collect_account}, {@code
 * collect_seen}, {@code collect_pending}; the SQL is {@link SqlCollectAccounts}'.
 *
 * <p>One run per account across the nodes: {@link #claim} takes a transaction-level advisory lock on the
 * account ({@code pg_try_advisory_xact_lock(COLLECT, id)}) on a pool connection that stays in its transaction
 * for the whole run. A second node's claim fails at once rather than waiting; the lock goes when the run ends,
 * and also when the node dies (PostgreSQL ends the transaction with the connection), so a crashed node never
 * leaves an account claimed. The lock blocks no row: the run records its progress on other connections. The
 * remote passwords are sealed with each node's {@code data_dir/collect/secret.key}: every node needs the same
 * key file (see docs/postgresql.md).
 */
public final class PgCollectAccounts extends SqlCollectAccounts {
  private static final Logger log = LoggerFactory.getLogger(PgCollectAccounts.class);
  static final String OWNER = "collect";
  /** The first key of the advisory locks of collection ("coll"); the second is the account id. */
  private static final int COLLECT = 0x636f6c6c;

  private final PgDatabase pg;

  private PgCollectAccounts(PgDatabase pg, Connections db) {
    super(db, "collect_");
    this.pg = pg;
  }

  /** The accounts in {@code db}, their tables created or upgraded first. */
  public static PgCollectAccounts open(PgDatabase db) {
    return new PgCollectAccounts(db, Connections.postgres(db, OWNER, java.util.List.of(String.join(";\n", schema("collect_", true)))));
  }

  @Override
  public Optional<Claim> claim(long account) {
    Connection c = null;
    try {
      c = pg.connection();
      c.setAutoCommit(false);
      boolean got;
      try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
        p.setInt(1, COLLECT);
        p.setInt(2, (int) account);
        try (ResultSet r = p.executeQuery()) {
          got = r.next() && r.getBoolean(1);
        }
      }
      if (!got) {
        release(c);
        return Optional.empty();
      }
      Connection held = c;
      return Optional.of(() -> release(held));
    } catch (SQLException e) {
      if (c != null) {
        release(c);
      }
      throw new UncheckedIOException(new IOException(pg.display() + ": claim account " + account + ": " + e.getMessage(), e));
    }
  }

  /** Ends the claim's transaction, which lets the lock go, and returns the connection. */
  private static void release(Connection c) {
    try {
      try {
        c.rollback();
        c.setAutoCommit(true);
      } finally {
        c.close();
      }
    } catch (SQLException e) {
      // the pool rolls back a connection returned within a transaction; a broken one ended it already
      log.debug("collect: releasing a claim: {}", e.getMessage());
    }
  }
}
