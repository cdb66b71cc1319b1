package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.postgres.PgNotifications;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the statements of one {@link PgMailIndex} run: on the connection of the transaction it is in
 * ({@link #locked}, {@link #readOnly}), else each on a pooled connection in auto-commit. A write
 * transaction that changed something ({@link #touch}) sends {@code NOTIFY} on the index's channel before
 * it commits, naming the node, the account and the mailboxes, so that the other nodes hear of it when it
 * commits. The statements themselves are {@link PgMailIndex}'s; this class only runs them.
 */
final class PgIndexConnection {
  /** A row of a result. */
  @FunctionalInterface
  interface Row<T> {
    T of(ResultSet rs) throws SQLException;
  }

  private final PgDatabase db;
  private final String node;
  private final String account;
  private Connection bound;
  private boolean wrote;
  /** Whether the running transaction ran an {@link #update} (which may change rows without a {@link #touch}). */
  private boolean updated;
  private final Set<Long> touched = new TreeSet<>();

  PgIndexConnection(PgDatabase db, String node, String account) {
    this.db = db;
    this.node = node;
    this.account = account;
  }

  private <T> T on(PgDatabase.Work<T> work) throws SQLException {
    if (bound != null) {
      return work.run(bound);
    }
    try (Connection c = db.connection()) {
      return work.run(c);
    }
  }

  /** {@code work} on the transaction's connection, else on a pooled one in auto-commit. */
  <T> T with(PgDatabase.Work<T> work) throws SQLException {
    return on(work);
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Collection<?> list) {
        ps.setArray(i + 1, c.createArrayOf("bigint", list.toArray()));
      } else {
        ps.setObject(i + 1, args[i]);
      }
    }
    return ps;
  }

  int update(String sql, Object... args) throws SQLException {
    updated = true;
    return on(c -> {
      try (PreparedStatement ps = prepare(c, sql, args)) {
        return ps.executeUpdate();
      }
    });
  }

  <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
    return on(c -> {
      try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.of(rs));
        }
        return out;
      }
    });
  }

  <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
    return query(sql, row, args).stream().findFirst();
  }

  /** The running write transaction changed the mailbox {@code mailboxId} (0: something of the account). */
  void touch(long mailboxId) {
    wrote = true;
    if (mailboxId > 0) {
      touched.add(mailboxId);
    }
  }

  /** Whether a transaction runs. */
  boolean inTransaction() {
    return bound != null;
  }

  /**
   * One write transaction: every statement of {@code body} on its connection (the body's first statement
   * takes the account's lock), {@code NOTIFY channel} when it changed something, sent with the {@code
   * COMMIT} in one round trip. With {@code rollBackUnchanged}, a body that changed nothing (no {@link
   * #touch}, no {@link #update}) ends with a {@code ROLLBACK}: its only effect was its row locks, which
   * gave it a transaction id, and a commit of that would wait for the WAL to reach the disk for nothing.
   */
  <T> T locked(String channel, boolean rollBackUnchanged, MailIndex.Tx<T> body) throws SQLException {
    if (bound != null) {
      throw new IllegalStateException("nested index transaction");
    }
    return db.transaction(c -> {
      bound = c;
      wrote = false;
      updated = false;
      touched.clear();
      try {
        T result = body.run();
        if (wrote) {
          String ids = String.join(",", touched.stream().map(String::valueOf).toList());
          String payload = node + " " + account + (ids.isEmpty() || ids.length() > 7000 ? "" : " " + ids);
          PgNotifications.notifyAndCommit(c, channel, payload); // the commit below then has nothing left to do
        } else if (rollBackUnchanged && !updated) {
          c.rollback(); // likewise
        }
        return result;
      } catch (IOException e) {
        throw MailIndex.bug(e);
      } finally {
        bound = null;
      }
    });
  }

  /** The connection of the running write transaction (see {@link PgMailIndex#transaction}). */
  Connection transaction() {
    if (bound == null) {
      throw new IllegalStateException("not in an index transaction");
    }
    return bound;
  }

  /**
   * One REPEATABLE READ, read-only transaction: every statement sees the same committed state. The level
   * is set for this transaction only ({@code SET TRANSACTION}, sent with the driver's {@code BEGIN} in one
   * round trip), not with {@link Connection#setTransactionIsolation}, which costs a {@code SET SESSION
   * CHARACTERISTICS} before and another after: two round trips of four on a short read. Inside a
   * transaction the body runs in it.
   */
  <T> T readOnly(MailIndex.Tx<T> body) throws SQLException {
    try {
      if (bound != null) {
        return body.run();
      }
      try (Connection c = db.connection()) {
        c.setAutoCommit(false);
        try {
          try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          }
          bound = c;
          return body.run();
        } finally {
          bound = null;
          c.rollback();
          c.setAutoCommit(true);
        }
      }
    } catch (IOException e) {
      throw MailIndex.bug(e);
    }
  }
}
