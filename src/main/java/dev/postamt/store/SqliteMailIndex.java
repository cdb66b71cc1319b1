package dev.postamt.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SQLite {@link MailIndex}: one file per user ({@code <home>/index.db}), its schema, transactions,
 * every statement, and the few that allocate UIDs, MODSEQs and UIDVALIDITYs. WAL with {@code synchronous=FULL}, so a committed transaction
 * survives power loss. One instance is one connection and is used by one thread at a time: the
 * account's writer under its write lock, readers borrowed from {@link ReadConnections} (WAL lets them
 * read the last commit while the writer writes).
 *
 * <p>The schema and its migrations are in {@link SqliteIndexSchema}, the expunge history's statements
 * in {@link SqliteExpungeHistory}; both run on this connection.
 */
final class SqliteMailIndex extends MailIndex {
  final Connection db;

  /** A read-only connection to an index that {@link #MailIndex(Path)} has set up. */
  static SqliteMailIndex reader(Path file) throws SQLException {
    return new SqliteMailIndex(DriverManager.getConnection("jdbc:sqlite:" + file));
  }

  private SqliteMailIndex(Connection db) throws SQLException {
    this.db = db;
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("PRAGMA query_only=1");
      s.execute("PRAGMA cache_size=-" + dev.postamt.sqlite.SqliteFiles.CACHE_KIB); // SQLite's default is 2 MiB
    }
  }

  SqliteMailIndex(Path file) throws SQLException {
    db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try {
      SqliteIndexSchema.create(this);
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  long removeMessages(long mailboxId, Collection<Long> uids) throws SQLException {
    return SqliteExpungeHistory.removeMessages(this, mailboxId, uids);
  }

  @Override
  int forgetExpunged(long mailboxId, int keep) throws SQLException {
    return SqliteExpungeHistory.forgetExpunged(this, mailboxId, keep);
  }

  @Override
  long expungeModseq(long mailboxId, Collection<Long> uids) throws SQLException {
    return SqliteExpungeHistory.expungeModseq(this, mailboxId, uids);
  }

  /** One statement (the floor beside each UID), so that it sees one state without a transaction around it. */
  @Override
  List<Long> expungedSince(long mailboxId, long since) throws SQLException {
    return SqliteExpungeHistory.expungedSince(this, mailboxId, since);
  }

  @Override
  Quota.Usage usage() throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT bytes, messages FROM quota_usage WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? new Quota.Usage(rs.getLong(1), rs.getLong(2)) : Quota.Usage.NONE;
    }
  }

  /** Counts the usage afresh from the message rows (reindex; a repair should the counter ever drift). */
  @Override
  void recountUsage() throws SQLException {
    inTx(() -> update("UPDATE quota_usage SET bytes = (SELECT coalesce(sum(size), 0) FROM message),"
        + " messages = (SELECT count(*) FROM message) WHERE id = 1"));
  }

  /**
   * The usage recorded in an index file, read without opening the account (no reconcile): empty when
   * the file or its usage table does not exist yet.
   */
  static Optional<Quota.Usage> peekUsage(Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      try (ResultSet rs = s.executeQuery("SELECT bytes, messages FROM quota_usage WHERE id = 1")) {
        return rs.next() ? Optional.of(new Quota.Usage(rs.getLong(1), rs.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      return Optional.empty(); // an index from before quotas, or unreadable: the caller opens the account
    }
  }

  /**
   * Runs {@code body} in one transaction. BEGIN/COMMIT/ROLLBACK are issued as statements rather than
   * through JDBC's auto-commit switch: when a COMMIT fails (SQLITE_FULL on a full disk) SQLite may
   * already have rolled back, and the driver's switch would then fail with "no transaction is active",
   * hiding the real error and leaving the connection in a state the next transaction trips over.
   */
  @Override
  <T> T inTx(Tx<T> body) throws SQLException {
    // IMMEDIATE: the write lock is taken (waiting up to busy_timeout) before the first read, so a read
    // inside the transaction cannot go stale under another process's commit (SQLITE_BUSY_SNAPSHOT).
    exec("BEGIN IMMEDIATE");
    try {
      T t = body.run();
      exec("COMMIT");
      return t;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw e;
    } catch (IOException e) {
      rollbackQuietly(e);
      throw bug(e);
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  /** ROLLBACK, if SQLite has not rolled back by itself already. */
  private void rollbackQuietly(Exception cause) {
    try {
      exec("ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        cause.addSuppressed(e);
      }
    }
  }

  /** Runs reads in one transaction, so that they see one committed state (WAL snapshot isolation). */
  @Override
  <T> T inReadTx(ReadConnections.Read<T> body) throws SQLException {
    exec("BEGIN");
    try {
      return body.run(this);
    } finally {
      exec("ROLLBACK");
    }
  }

  int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  String meta(String key) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key=?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Override
  Optional<MailboxInfo> findMailbox(String name) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT * FROM mailbox WHERE name=?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(mailboxRow(rs)) : Optional.empty();
      }
    }
  }

  @Override
  long newUidValidity() throws SQLException {
    long max = 0;
    try (PreparedStatement ps = db.prepareStatement("SELECT coalesce(max(uidvalidity),0) FROM mailbox");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        max = rs.getLong(1);
      }
    }
    String last = meta("last_uidvalidity");
    if (last != null) {
      max = Math.max(max, Long.parseLong(last));
    }
    long uv = Math.min(Math.max(System.currentTimeMillis() / 1000, max + 1), 0xFFFFFFFFL);
    update("INSERT OR REPLACE INTO meta(key, value) VALUES('last_uidvalidity', ?)", String.valueOf(uv));
    return uv;
  }

  /**
   * A new mailbox gets an id never used before in this account (SQLite would hand out a deleted
   * mailbox's id again): the id is the IMAP MAILBOXID and JMAP Mailbox id, which RFC 8474 §4 and RFC
   * 8620 §1.2 forbid to reuse for another mailbox. The highest id given out is kept in {@code meta}.
   */
  @Override
  MailboxInfo insertMailbox(String name, String specialUse) throws SQLException {
    long uv = newUidValidity();
    long id = 0;
    try (PreparedStatement ps = db.prepareStatement("SELECT coalesce(max(id),0) FROM mailbox");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        id = rs.getLong(1);
      }
    }
    String last = meta("last_mailbox_id");
    id = Math.max(id, last == null ? 0 : Long.parseLong(last)) + 1;
    update("INSERT OR REPLACE INTO meta(key, value) VALUES('last_mailbox_id', ?)", String.valueOf(id));
    update("INSERT INTO mailbox(id, name, uidvalidity, uidnext, highestmodseq, special_use) VALUES(?,?,?,1,1,?)",
        id, name, uv, specialUse);
    return findMailbox(name).orElseThrow();
  }

  long nextModseq(long mailboxId) throws SQLException {
    update("UPDATE mailbox SET highestmodseq=highestmodseq+1 WHERE id=?", mailboxId);
    try (PreparedStatement ps = db.prepareStatement("SELECT highestmodseq FROM mailbox WHERE id=?")) {
      ps.setLong(1, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Whether a message with this Maildir base name is indexed in the mailbox. */
  @Override
  boolean hasBase(long mailboxId, String base) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM message WHERE mailbox_id=? AND base=?")) {
      ps.setLong(1, mailboxId);
      ps.setString(2, base);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  java.util.OptionalLong uidOfBase(long mailboxId, String base) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT uid FROM message WHERE mailbox_id=? AND base=?")) {
      ps.setLong(1, mailboxId);
      ps.setString(2, base);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? java.util.OptionalLong.of(rs.getLong(1)) : java.util.OptionalLong.empty();
      }
    }
  }

  @Override
  long insertMessage(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException {
    long modseq = nextModseq(mailboxId);
    long uid;
    try (PreparedStatement ps = db.prepareStatement("SELECT uidnext FROM mailbox WHERE id=?")) {
      ps.setLong(1, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        uid = rs.getLong(1);
      }
    }
    update("UPDATE mailbox SET uidnext=? WHERE id=?", uid + 1, mailboxId);
    // RFC 8514: the save date is the moment the message enters this mailbox (delivery, APPEND, COPY, MOVE).
    update("INSERT INTO message(mailbox_id, uid, base, flags, modseq, internaldate, size, savedate)"
            + " VALUES(?,?,?,?,?,?,?,?)",
        mailboxId, uid, base, Flags.encode(flags), modseq, internalDate, size, System.currentTimeMillis());
    return uid;
  }

  @Override
  List<MailboxInfo> mailboxes() throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT * FROM mailbox ORDER BY name")) {
      List<MailboxInfo> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(mailboxRow(rs));
        }
      }
      return out;
    }
  }

  @Override
  Optional<MailboxInfo> findMailbox(long id) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT * FROM mailbox WHERE id=?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(mailboxRow(rs)) : Optional.empty();
      }
    }
  }

  @Override
  Set<String> subscriptions() throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT name FROM subscription");
        ResultSet rs = ps.executeQuery()) {
      Set<String> out = new java.util.TreeSet<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  @Override
  Account.Status status(MailboxInfo m) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT count(*), sum(uid>=?), sum(' '||flags||' ' NOT LIKE '% \\Seen %'),"
                + " coalesce(sum(size),0), sum(' '||flags||' ' LIKE '% \\Deleted %') FROM message WHERE mailbox_id=?")) {
      ps.setLong(1, m.firstRecentUid());
      ps.setLong(2, m.id());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Account.Status(m, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
      }
    }
  }

  @Override
  long deletedSize(long mailboxId) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT coalesce(sum(size),0) FROM message WHERE mailbox_id=? AND ' '||flags||' ' LIKE '% \\Deleted %'")) {
      ps.setLong(1, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Two columns of every row, by the primary key (no {@code ORDER BY}: the caller only looks up). */
  @Override
  List<Keyed> keys(long mailboxId) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT uid, base FROM message WHERE mailbox_id=?")) {
      ps.setLong(1, mailboxId);
      List<Keyed> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Keyed(rs.getLong(1), rs.getString(2)));
        }
      }
      return out;
    }
  }

  /** The messages of a mailbox whose MODSEQ is above {@code modseq} (0: all), in UID order. */
  @Override
  List<MessageRecord> messagesAbove(long mailboxId, long modseq) throws SQLException {
    // All rows: by primary key, already in UID order; changed rows: through the MODSEQ index.
    String sql = modseq == 0
        ? "SELECT * FROM message WHERE mailbox_id=? ORDER BY uid"
        : "SELECT * FROM message WHERE mailbox_id=? AND modseq>? ORDER BY uid";
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setLong(1, mailboxId);
      if (modseq != 0) {
        ps.setLong(2, modseq);
      }
      List<MessageRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(messageRow(rs));
        }
      }
      return out;
    }
  }

  @Override
  boolean initialized() throws SQLException {
    return meta("initialized") != null;
  }

  @Override
  void markInitialized() throws SQLException {
    update("INSERT OR REPLACE INTO meta(key, value) VALUES('initialized', '1')");
  }

  @Override
  void deleteMailbox(long id) throws SQLException {
    update("DELETE FROM mailbox WHERE id=?", id); // messages, history: ON DELETE CASCADE; metadata: trigger
  }

  @Override
  void renameMailbox(long id, String newName) throws SQLException {
    update("UPDATE mailbox SET name=? WHERE id=?", newName, id);
  }

  @Override
  void resetMailbox(long id, long uidValidity) throws SQLException {
    update("DELETE FROM message WHERE mailbox_id=?", id);
    // A new UIDVALIDITY makes every client start afresh; the old UIDs' history means nothing now.
    update("DELETE FROM expunged WHERE mailbox_id=?", id);
    update("UPDATE mailbox SET uidvalidity=?, uidnext=1, first_recent_uid=1, expunge_floor=highestmodseq WHERE id=?",
        uidValidity, id);
  }

  @Override
  void raiseFirstRecent(long id, long uid) throws SQLException {
    update("UPDATE mailbox SET first_recent_uid=max(first_recent_uid, ?) WHERE id=?", uid, id);
  }

  @Override
  void subscribe(String name, boolean on) throws SQLException {
    if (on) {
      update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", name);
    } else {
      update("DELETE FROM subscription WHERE name=?", name);
    }
  }

  @Override
  long setFlags(long mailboxId, long uid, Set<String> flags) throws SQLException {
    long modseq = nextModseq(mailboxId);
    update("UPDATE message SET flags=?, modseq=? WHERE mailbox_id=? AND uid=?", Flags.encode(flags), modseq, mailboxId,
        uid);
    return modseq;
  }

  @Override
  java.util.SortedMap<String, byte[]> metadata(long mailboxId) throws SQLException {
    return MetadataTable.entries(this, mailboxId);
  }

  @Override
  void setMetadata(long mailboxId, java.util.Map<String, byte[]> changes) throws SQLException {
    MetadataTable.set(this, mailboxId, changes);
  }

  static MailboxInfo mailboxRow(ResultSet rs) throws SQLException {
    return new MailboxInfo(rs.getLong("id"), rs.getString("name"), rs.getLong("uidvalidity"),
        rs.getLong("uidnext"), rs.getLong("highestmodseq"), Optional.ofNullable(rs.getString("special_use")),
        rs.getLong("first_recent_uid"));
  }

  static MessageRecord messageRow(ResultSet rs) throws SQLException {
    return new MessageRecord(rs.getLong("uid"), rs.getString("base"), Flags.decode(rs.getString("flags")),
        rs.getLong("modseq"), rs.getLong("internaldate"), rs.getLong("size"), saveDate(rs));
  }

  private static long saveDate(ResultSet rs) throws SQLException {
    long saved = rs.getLong("savedate");
    return rs.wasNull() ? rs.getLong("internaldate") : saved;
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // nothing left to do
    }
  }
}
