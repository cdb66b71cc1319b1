package dev.postamt.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The schema of a user's SQLite index ({@code <home>/index.db}): its tables, the quota usage triggers,
 * and the migrations of index files written by older versions. Apart from {@link SqliteMailIndex}, which
 * owns the statements on that state, because this runs once per open and is where the on-disk layout
 * (store/package-info) is defined; the SQL that shapes the file stays within the index's classes.
 */
final class SqliteIndexSchema {
  private SqliteIndexSchema() {}

  /** Sets up {@code index}'s file: connection settings, tables and triggers, migrations, all idempotent. */
  static void create(SqliteMailIndex index) throws SQLException {
    try (Statement s = index.db.createStatement()) {
      // the busy handler first: even "journal_mode=WAL" on a file already in WAL mode needs a lock that
      // another process (the server, while the CLI opens the same account) may hold for a moment
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("PRAGMA cache_size=-" + dev.postamt.sqlite.SqliteFiles.CACHE_KIB); // SQLite's default is 2 MiB
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA foreign_keys=ON");
      s.execute(
          "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS mailbox(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
              + " uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL,"
              + " special_use TEXT, first_recent_uid INTEGER NOT NULL DEFAULT 1,"
              + " expunge_floor INTEGER NOT NULL DEFAULT 0)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS message(mailbox_id INTEGER NOT NULL REFERENCES mailbox(id)"
              + " ON DELETE CASCADE, uid INTEGER NOT NULL, base TEXT NOT NULL, flags TEXT NOT NULL,"
              + " modseq INTEGER NOT NULL, internaldate INTEGER NOT NULL, size INTEGER NOT NULL,"
              + " savedate INTEGER, PRIMARY KEY(mailbox_id, uid))");
      s.execute("CREATE UNIQUE INDEX IF NOT EXISTS message_base ON message(mailbox_id, base)");
      // Account.currentMessages reads only the rows changed since its last snapshot.
      s.execute("CREATE INDEX IF NOT EXISTS message_modseq ON message(mailbox_id, modseq)");
      s.execute("CREATE TABLE IF NOT EXISTS subscription(name TEXT PRIMARY KEY)");
      // RFC 7162 §3.2: the MODSEQ of each expunge, for QRESYNC's VANISHED (EARLIER).
      s.execute(
          "CREATE TABLE IF NOT EXISTS expunged(mailbox_id INTEGER NOT NULL REFERENCES mailbox(id)"
              + " ON DELETE CASCADE, uid INTEGER NOT NULL, modseq INTEGER NOT NULL, PRIMARY KEY(mailbox_id, uid))");
      s.execute("CREATE INDEX IF NOT EXISTS expunged_modseq ON expunged(mailbox_id, modseq)");
    }
    migrateExpungeFloor(index);
    migrateSaveDate(index);
    MetadataTable.create(index);
    createUsage(index);
  }

  /**
   * Indexes from before expunge history lack {@code mailbox.expunge_floor}. Their earlier expunges are
   * unknown, so the history starts at each mailbox's present HIGHESTMODSEQ.
   */
  private static void migrateExpungeFloor(SqliteMailIndex index) throws SQLException {
    try (Statement s = index.db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(mailbox)")) {
      while (rs.next()) {
        if (rs.getString("name").equals("expunge_floor")) {
          return;
        }
      }
    }
    index.inTx(() -> {
      index.update("ALTER TABLE mailbox ADD COLUMN expunge_floor INTEGER NOT NULL DEFAULT 0");
      index.update("UPDATE mailbox SET expunge_floor=highestmodseq");
      return null;
    });
  }

  /**
   * Indexes from before RFC 8514 save dates lack {@code message.savedate}: their messages count as
   * saved at their INTERNALDATE (the delivery or APPEND time), the best there is.
   */
  private static void migrateSaveDate(SqliteMailIndex index) throws SQLException {
    try (Statement s = index.db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(message)")) {
      while (rs.next()) {
        if (rs.getString("name").equals("savedate")) {
          return;
        }
      }
    }
    index.inTx(() -> index.update("ALTER TABLE message ADD COLUMN savedate INTEGER"));
  }

  /**
   * Quota usage, kept by triggers so that every path that adds or removes message rows (APPEND, COPY,
   * MOVE, EXPUNGE, delivery picked up from new/, reconcile, reindex, a mailbox deleted with its
   * messages by ON DELETE CASCADE) counts, and reading it is one row. An index from before quotas is
   * counted once here, in the same transaction that adds the triggers.
   */
  private static void createUsage(SqliteMailIndex index) throws SQLException {
    index.inTx(() -> {
      try (Statement s = index.db.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS quota_usage(id INTEGER PRIMARY KEY CHECK(id = 1),"
            + " bytes INTEGER NOT NULL, messages INTEGER NOT NULL)");
        s.execute("INSERT OR IGNORE INTO quota_usage(id, bytes, messages)"
            + " SELECT 1, coalesce(sum(size), 0), count(*) FROM message");
        s.execute("CREATE TRIGGER IF NOT EXISTS quota_usage_insert AFTER INSERT ON message BEGIN"
            + " UPDATE quota_usage SET bytes = bytes + NEW.size, messages = messages + 1 WHERE id = 1; END");
        s.execute("CREATE TRIGGER IF NOT EXISTS quota_usage_delete AFTER DELETE ON message BEGIN"
            + " UPDATE quota_usage SET bytes = bytes - OLD.size, messages = messages - 1 WHERE id = 1; END");
        s.execute("CREATE TRIGGER IF NOT EXISTS quota_usage_resize AFTER UPDATE OF size ON message BEGIN"
            + " UPDATE quota_usage SET bytes = bytes - OLD.size + NEW.size WHERE id = 1; END");
      }
      return null;
    });
  }
}
