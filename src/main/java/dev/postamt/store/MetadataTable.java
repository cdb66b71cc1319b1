package dev.postamt.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The SQL of IMAP METADATA (RFC 5464) annotations in the account's index: table {@code metadata}, one
 * row per entry of a mailbox ({@code mailbox_id} its id) or of the server ({@code mailbox_id} 0, no
 * mailbox has it). Entries go with their mailbox: a trigger deletes them with it, RENAME keeps them
 * (the id stays). Values are bytes (RFC 5464 §4.3 allows binary values).
 */
final class MetadataTable {
  private MetadataTable() {}

  static void create(SqliteMailIndex index) throws SQLException {
    try (Statement s = index.db.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS metadata(mailbox_id INTEGER NOT NULL, name TEXT NOT NULL,"
          + " value BLOB NOT NULL, PRIMARY KEY(mailbox_id, name))");
      s.execute("CREATE TRIGGER IF NOT EXISTS metadata_mailbox_delete AFTER DELETE ON mailbox BEGIN"
          + " DELETE FROM metadata WHERE mailbox_id = OLD.id; END");
    }
  }

  static SortedMap<String, byte[]> entries(SqliteMailIndex index, long mailboxId) throws SQLException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    try (PreparedStatement ps = index.db.prepareStatement("SELECT name, value FROM metadata WHERE mailbox_id=?")) {
      ps.setLong(1, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getBytes(2));
        }
      }
    }
    return out;
  }

  /** Sets (or, for a null value, removes) entries; call inside a transaction. */
  static void set(SqliteMailIndex index, long mailboxId, Map<String, byte[]> changes) throws SQLException {
    for (Map.Entry<String, byte[]> e : changes.entrySet()) {
      if (e.getValue() == null) {
        index.update("DELETE FROM metadata WHERE mailbox_id=? AND name=?", mailboxId, e.getKey());
      } else {
        index.update("INSERT OR REPLACE INTO metadata(mailbox_id, name, value) VALUES(?,?,?)",
            mailboxId, e.getKey(), e.getValue());
      }
    }
  }
}
