package dev.postamt.collect;

import dev.postamt.postgres.AdvisoryClaim;
import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Optional;

/**
 * {@link CollectAccounts} in PostgreSQL, shared by every node: tables {@code collect_account}, {@code
 * collect_seen}, {@code collect_pending}; the SQL is {@link SqlCollectAccounts}'.
 *
 * <p>One run per account across the nodes: {@link #claim} takes an {@link AdvisoryClaim} on the account for
 * the whole run. A second node's claim fails at once rather than waiting; the claim goes when the run ends,
 * and also when the node dies, so a crashed node never leaves an account claimed. The remote passwords are
 * sealed with each node's {@code data_dir/collect/secret.key}: every node needs the same key file (see
 * docs/postgresql.md).
 */
public final class PgCollectAccounts extends SqlCollectAccounts {
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
    try {
      return AdvisoryClaim.tryTake(pg, COLLECT, (int) account).map(held -> (Claim) held::close);
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException(pg.display() + ": claim account " + account + ": " + e.getMessage(), e));
    }
  }
}
