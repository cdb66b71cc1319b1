package dev.postamt.pop3;

import dev.postamt.postgres.PgDatabase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POP3 maildrop locks shared by the nodes of one PostgreSQL database: a session first takes this node's
 * own lock ({@link MaildropLock}, which also frees the lock of a session thread that died), then a
 * session-level advisory lock ({@code pg_try_advisory_lock}) keyed by the user's address. The only class
 * with this SQL; it uses no table.
 *
 * <p>One connection per node holds the advisory locks of all its POP3 sessions: its own, outside the pool
 * (so that idle POP3 sessions cost no pool connections), used under a lock. PostgreSQL ends a session's
 * advisory locks when its connection ends, so a node that dies or loses the database frees its users'
 * maildrops for the other nodes by itself; there is no lock table to expire. A connection found broken is
 * made anew at the next login and the locks this node's sessions still hold are taken again; one that
 * another node got meanwhile is logged (both sessions then see the same fixed message list; the store keeps
 * the mailbox consistent, as it does for IMAP).
 *
 * <p>Keys: the first 64 bits of SHA-256 over {@code "postamt pop3 "} and the address, so that they do not
 * meet the other owners' advisory keys.
 */
final class PgMaildropLocks implements MaildropLocks, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgMaildropLocks.class);
  private static final Map<PgDatabase, PgMaildropLocks> NODE = new ConcurrentHashMap<>();

  private final PgDatabase db;
  private final ReentrantLock lock = new ReentrantLock();
  /** Keys this node's connection holds, with the user each is for (for the log after a reconnection). */
  private final Map<Long, String> owned = new ConcurrentHashMap<>();
  private Connection connection;
  private boolean closed;

  PgMaildropLocks(PgDatabase db) {
    this.db = db;
  }

  /** The locks of this process in {@code db}: one connection for all its POP3 sessions, kept across reloads. */
  static PgMaildropLocks of(PgDatabase db) {
    return NODE.computeIfAbsent(db, PgMaildropLocks::new);
  }

  @Override
  public Optional<Held> tryLock(String user, Path home) throws Pop3Exception {
    if (!MaildropLock.tryLock(home)) {
      return Optional.empty();
    }
    long key = key(user);
    boolean locked = false;
    try {
      locked = owned.containsKey(key) || sharedLock(user, key); // owned: its last session's thread died holding it
      return locked ? Optional.of(held(key, home)) : Optional.empty();
    } finally {
      if (!locked) {
        MaildropLock.unlock(home);
      }
    }
  }

  private boolean sharedLock(String user, long key) throws Pop3Exception {
    lock.lock();
    try {
      if (closed) {
        throw new SQLException("closed");
      }
      Connection c = connection();
      if (!advisory(c, "pg_try_advisory_lock", key)) {
        return false;
      }
      owned.put(key, user);
      return true;
    } catch (SQLException e) {
      drop();
      log.warn("pop3: cannot take the maildrop lock of {} in {}: {}", user, db.display(), e.getMessage());
      throw Pop3Exception.refused(RespCode.SYS_TEMP, "Cannot lock the mailbox, try again later");
    } finally {
      lock.unlock();
    }
  }

  private Held held(long key, Path home) {
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.getAndSet(false)) {
        try {
          release(key);
        } finally {
          MaildropLock.unlock(home);
        }
      }
    };
  }

  private void release(long key) {
    lock.lock();
    try {
      if (owned.remove(key) != null && connection != null) {
        advisory(connection, "pg_advisory_unlock", key);
      }
    } catch (SQLException e) {
      // the connection is gone, and with it the lock; the next login makes a new one
      log.warn("pop3: cannot release a maildrop lock in {}: {}", db.display(), e.getMessage());
      drop();
    } finally {
      lock.unlock();
    }
  }

  /** The node's connection, made anew (and the held locks taken again) when it broke. */
  private Connection connection() throws SQLException {
    if (connection != null && connection.isValid(2)) {
      return connection;
    }
    drop();
    connection = db.openDirect();
    Set<Long> lost = new HashSet<>();
    for (Map.Entry<Long, String> e : owned.entrySet()) {
      if (!advisory(connection, "pg_try_advisory_lock", e.getKey())) {
        lost.add(e.getKey());
        log.warn("pop3: the maildrop lock of {} was lost while the database connection was down,"
            + " and another node has it now", e.getValue());
      }
    }
    owned.keySet().removeAll(lost);
    return connection;
  }

  private void drop() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a broken connection
      }
      connection = null;
    }
  }

  private static boolean advisory(Connection c, String function, long key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
      ps.setLong(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  static long key(String user) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("postamt pop3 " + user).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Gives back every lock the node holds and closes its connection (shutdown; tests: a node going away). The
   * locks are released by a statement first: a closed connection's backend lets go of them only when it has
   * noticed the end of its socket, so a login on another node right after could still be refused.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (!owned.isEmpty() && connection != null) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
          ps.execute();
        } catch (SQLException e) {
          // a broken connection holds nothing any more once its backend has gone
        }
      }
      owned.clear();
      drop();
    } finally {
      lock.unlock();
    }
    NODE.remove(db, this);
  }
}
