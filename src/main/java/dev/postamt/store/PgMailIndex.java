package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The PostgreSQL {@link MailIndex}: every account's index in shared tables keyed by account, so that
 * several nodes serve the same accounts over one shared mail directory. Tables: {@code mail_account}
 * (one row per account: first-open flag, highest UIDVALIDITY and mailbox id given out, quota usage kept
 * by a trigger on {@code mail_message}), {@code mail_mailbox}, {@code mail_message}, {@code
 * mail_expunged}, {@code mail_subscription}, {@code mail_metadata}; the same columns as the SQLite file
 * plus {@code account}, so that {@code postamt migrate} copies UIDVALIDITY, UIDs, MODSEQs, flags and
 * mailbox ids unchanged and clients keep their caches.
 *
 * <p>Across nodes: every write transaction first locks the account's {@code mail_account} row ({@code
 * SELECT … FOR UPDATE}), so the writes of one account are serialised between nodes as SQLite's file lock
 * serialises processes, and each statement after it (READ COMMITTED) sees every earlier commit: a UID or
 * MODSEQ ({@code UPDATE mail_mailbox … RETURNING}) is never handed out twice, and a file two nodes find in
 * {@code new/} at once is indexed once. Accounts do not wait for each other. A transaction that changed
 * something sends {@code NOTIFY postamt_mail} (delivered at commit) naming the node, the account and the
 * mailbox ids, which {@link PgMailStore} on the other nodes turns into wake-ups.
 *
 * <p>One instance is used by one thread at a time: statements inside {@link #inTx} or {@link #inReadTx}
 * run on that transaction's connection, others each on a pooled connection in auto-commit ({@link
 * PgIndexConnection} runs them; the statements are all here).
 */
final class PgMailIndex extends MailIndex {
  /** The LISTEN/NOTIFY channel of index changes; payload {@code node account [id,id…]}. */
  static final String CHANNEL = "postamt_mail";

  static final String OWNER = "mail_index";

  /** Schema versions (see {@link PgDatabase#migrate}). */
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE mail_account(account TEXT PRIMARY KEY, initialized BOOLEAN NOT NULL DEFAULT FALSE,
        last_uidvalidity BIGINT NOT NULL DEFAULT 0, last_mailbox_id BIGINT NOT NULL DEFAULT 0,
        bytes BIGINT NOT NULL DEFAULT 0, messages BIGINT NOT NULL DEFAULT 0);
      CREATE TABLE mail_mailbox(account TEXT NOT NULL REFERENCES mail_account(account) ON DELETE CASCADE,
        id BIGINT NOT NULL, name TEXT NOT NULL, uidvalidity BIGINT NOT NULL, uidnext BIGINT NOT NULL,
        highestmodseq BIGINT NOT NULL, special_use TEXT, first_recent_uid BIGINT NOT NULL DEFAULT 1,
        expunge_floor BIGINT NOT NULL DEFAULT 0, PRIMARY KEY(account, id), UNIQUE(account, name));
      CREATE TABLE mail_message(account TEXT NOT NULL, mailbox_id BIGINT NOT NULL, uid BIGINT NOT NULL,
        base TEXT NOT NULL, flags TEXT NOT NULL, modseq BIGINT NOT NULL, internaldate BIGINT NOT NULL,
        size BIGINT NOT NULL, savedate BIGINT, PRIMARY KEY(account, mailbox_id, uid),
        UNIQUE(account, mailbox_id, base),
        FOREIGN KEY(account, mailbox_id) REFERENCES mail_mailbox(account, id) ON DELETE CASCADE);
      CREATE INDEX mail_message_modseq ON mail_message(account, mailbox_id, modseq);
      CREATE TABLE mail_expunged(account TEXT NOT NULL, mailbox_id BIGINT NOT NULL, uid BIGINT NOT NULL,
        modseq BIGINT NOT NULL, PRIMARY KEY(account, mailbox_id, uid),
        FOREIGN KEY(account, mailbox_id) REFERENCES mail_mailbox(account, id) ON DELETE CASCADE);
      CREATE INDEX mail_expunged_modseq ON mail_expunged(account, mailbox_id, modseq);
      CREATE TABLE mail_subscription(account TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(account, name));
      CREATE TABLE mail_metadata(account TEXT NOT NULL, mailbox_id BIGINT NOT NULL, name TEXT NOT NULL,
        value BYTEA NOT NULL, PRIMARY KEY(account, mailbox_id, name));
      CREATE FUNCTION mail_usage_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE mail_account SET bytes = bytes + NEW.size, messages = messages + 1 WHERE account = NEW.account;
        ELSE
          UPDATE mail_account SET bytes = bytes - OLD.size, messages = messages - 1 WHERE account = OLD.account;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER mail_message_usage AFTER INSERT OR DELETE ON mail_message
        FOR EACH ROW EXECUTE FUNCTION mail_usage_count();
      """);

  /** The index tables in the order {@code postamt migrate} fills them (parents first). */
  static final List<String> TABLES =
      List.of("mail_account", "mail_mailbox", "mail_message", "mail_expunged", "mail_subscription", "mail_metadata");

  private final String account;
  private final PgIndexConnection sql;

  PgMailIndex(PgDatabase db, String node, String account) {
    this.account = account;
    this.sql = new PgIndexConnection(db, node, account);
  }

  /** The writer index of {@code account}, whose row it creates on first use. */
  static PgMailIndex open(PgDatabase db, String node, String account) throws SQLException {
    PgMailIndex i = new PgMailIndex(db, node, account);
    i.update("INSERT INTO mail_account(account) VALUES(?) ON CONFLICT DO NOTHING", account);
    return i;
  }

  /** Reads of {@code account}, each on an index of its own (a pooled connection per statement or read transaction). */
  static Readers readers(PgDatabase db, String node, String account) {
    return new Readers() {
      @Override
      public <T> T read(ReadConnections.Read<T> body) throws SQLException {
        return body.run(new PgMailIndex(db, node, account));
      }

      @Override
      public void close() {
        // the pool belongs to the process
      }
    };
  }

  /** The recorded usage of {@code account}, without opening it; empty when it has no index yet. */
  static Optional<Quota.Usage> peekUsage(PgDatabase db, String account) {
    try {
      return new PgMailIndex(db, "", account).usageRow();
    } catch (SQLException e) {
      return Optional.empty(); // the caller opens the account, which reports the failure
    }
  }

  // ---- statements (run by PgIndexConnection) -------------------------------------------------------

  private int update(String statement, Object... args) throws SQLException {
    return sql.update(statement, args);
  }

  private <T> List<T> query(String statement, PgIndexConnection.Row<T> row, Object... args) throws SQLException {
    return sql.query(statement, row, args);
  }

  private <T> Optional<T> one(String statement, PgIndexConnection.Row<T> row, Object... args) throws SQLException {
    return sql.one(statement, row, args);
  }

  private void touch(long mailboxId) {
    sql.touch(mailboxId);
  }

  // ---- transactions -------------------------------------------------------------------------------

  @Override
  <T> T inTx(Tx<T> body) throws SQLException {
    return sql.locked(CHANNEL, false, () -> {
      query("SELECT 1 FROM mail_account WHERE account=? FOR UPDATE", rs -> 1, account);
      return body.run();
    });
  }

  /**
   * The account's lock and the mailbox's row in one statement. The mailbox row is locked too: a statement
   * that waited for a lock sees the rows it locks as the other transaction left them, but any other row as
   * of its start (READ COMMITTED), so only a locked mailbox row is read after the writer it waited for. A
   * gone mailbox matches no row: then the account is locked alone and the body told. A body that changed
   * nothing (a STORE of flags the messages have, an EXPUNGE without a {@code \Deleted} message) is rolled
   * back rather than committed (see {@link PgIndexConnection#locked}).
   */
  @Override
  <T> T inMailboxTx(long mailboxId, MailboxTx<T> body) throws SQLException {
    return sql.locked(CHANNEL, true, () -> {
      MailboxInfo m = one("SELECT m.* FROM mail_account a JOIN mail_mailbox m ON m.account=a.account AND m.id=?"
          + " WHERE a.account=? FOR UPDATE OF a FOR NO KEY UPDATE OF m", SqliteMailIndex::mailboxRow, mailboxId, account)
          .orElse(null);
      if (m == null) {
        query("SELECT 1 FROM mail_account WHERE account=? FOR UPDATE", rs -> 1, account);
      }
      return body.run(m);
    });
  }

  /**
   * The connection of the {@link #inTx} this index is running, so that a blob written with its index row
   * ({@link PgDelivery}) commits or rolls back with it.
   */
  Connection transaction() {
    return sql.transaction();
  }

  /** One REPEATABLE READ, read-only transaction (see {@link PgIndexConnection#readOnly}). */
  @Override
  <T> T inReadTx(ReadConnections.Read<T> body) throws SQLException {
    return sql.readOnly(() -> body.run(this));
  }

  // ---- the account --------------------------------------------------------------------------------

  @Override
  boolean initialized() throws SQLException {
    return one("SELECT initialized FROM mail_account WHERE account=?", rs -> rs.getBoolean(1), account).orElse(false);
  }

  @Override
  void markInitialized() throws SQLException {
    update("UPDATE mail_account SET initialized=TRUE WHERE account=?", account);
  }

  // ---- mailboxes ----------------------------------------------------------------------------------

  @Override
  List<MailboxInfo> mailboxes() throws SQLException {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale
    return query("SELECT * FROM mail_mailbox WHERE account=? ORDER BY name COLLATE \"C\"", SqliteMailIndex::mailboxRow,
        account);
  }

  @Override
  Optional<MailboxInfo> findMailbox(String name) throws SQLException {
    return one("SELECT * FROM mail_mailbox WHERE account=? AND name=?", SqliteMailIndex::mailboxRow, account, name);
  }

  @Override
  Optional<MailboxInfo> findMailbox(long id) throws SQLException {
    return one("SELECT * FROM mail_mailbox WHERE account=? AND id=?", SqliteMailIndex::mailboxRow, account, id);
  }

  @Override
  long newUidValidity() throws SQLException {
    long max = one("SELECT greatest(a.last_uidvalidity, coalesce((SELECT max(uidvalidity) FROM mail_mailbox m"
        + " WHERE m.account=a.account), 0)) FROM mail_account a WHERE a.account=?", rs -> rs.getLong(1), account)
        .orElse(0L);
    long uv = Math.min(Math.max(System.currentTimeMillis() / 1000, max + 1), 0xFFFFFFFFL);
    update("UPDATE mail_account SET last_uidvalidity=? WHERE account=?", uv, account);
    return uv;
  }

  /** Another node may have made the mailbox since the caller looked: then it already exists. */
  @Override
  MailboxInfo insertMailbox(String name, String specialUse) throws SQLException {
    if (findMailbox(name).isPresent()) {
      throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Mailbox already exists");
    }
    long uv = newUidValidity();
    long id = one("UPDATE mail_account a SET last_mailbox_id=greatest(a.last_mailbox_id, coalesce((SELECT max(id)"
        + " FROM mail_mailbox m WHERE m.account=a.account), 0)) + 1 WHERE a.account=? RETURNING a.last_mailbox_id",
        rs -> rs.getLong(1), account).orElseThrow(() -> new SQLException("no account row for " + account));
    update("INSERT INTO mail_mailbox(account, id, name, uidvalidity, uidnext, highestmodseq, special_use)"
        + " VALUES(?,?,?,?,1,1,?)", account, id, name, uv, specialUse);
    touch(id);
    return findMailbox(id).orElseThrow();
  }

  @Override
  void deleteMailbox(long id) throws SQLException {
    update("DELETE FROM mail_metadata WHERE account=? AND mailbox_id=?", account, id);
    update("DELETE FROM mail_mailbox WHERE account=? AND id=?", account, id); // messages, history: ON DELETE CASCADE
    touch(id);
  }

  @Override
  void renameMailbox(long id, String newName) throws SQLException {
    update("UPDATE mail_mailbox SET name=? WHERE account=? AND id=?", newName, account, id);
    touch(id);
  }

  @Override
  void resetMailbox(long id, long uidValidity) throws SQLException {
    update("DELETE FROM mail_message WHERE account=? AND mailbox_id=?", account, id);
    update("DELETE FROM mail_expunged WHERE account=? AND mailbox_id=?", account, id);
    update("UPDATE mail_mailbox SET uidvalidity=?, uidnext=1, first_recent_uid=1, expunge_floor=highestmodseq"
        + " WHERE account=? AND id=?", uidValidity, account, id);
    touch(id);
  }

  @Override
  void raiseFirstRecent(long id, long uid) throws SQLException {
    update("UPDATE mail_mailbox SET first_recent_uid=greatest(first_recent_uid, ?) WHERE account=? AND id=?",
        uid, account, id);
  }

  /**
   * One statement in auto-commit: the row locked ({@code FOR UPDATE} waits for a claim or write of another
   * session or node and then reads what it committed), the value before returned and the raised one set.
   * Only this column changes, which nothing caches without a read, so the account's lock is not taken.
   */
  @Override
  long claimRecent(long id, long uid) throws SQLException {
    if (sql.inTransaction()) {
      throw new IllegalStateException("a claim runs outside a transaction");
    }
    return one("WITH o AS (SELECT first_recent_uid FROM mail_mailbox WHERE account=? AND id=? FOR UPDATE)"
            + " UPDATE mail_mailbox m SET first_recent_uid=greatest(m.first_recent_uid, ?) FROM o"
            + " WHERE m.account=? AND m.id=? RETURNING o.first_recent_uid",
        rs -> rs.getLong(1), account, id, uid, account, id)
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
  }

  @Override
  void subscribe(String name, boolean on) throws SQLException {
    if (on) {
      update("INSERT INTO mail_subscription(account, name) VALUES(?,?) ON CONFLICT DO NOTHING", account, name);
    } else {
      update("DELETE FROM mail_subscription WHERE account=? AND name=?", account, name);
    }
    touch(0);
  }

  @Override
  Set<String> subscriptions() throws SQLException {
    return new TreeSet<>(query("SELECT name FROM mail_subscription WHERE account=?", rs -> rs.getString(1), account));
  }

  @Override
  Account.Status status(MailboxInfo m) throws SQLException {
    return one("SELECT count(*), count(*) FILTER (WHERE uid>=?),"
            + " count(*) FILTER (WHERE position(? in ' '||flags||' ')=0), coalesce(sum(size),0),"
            + " count(*) FILTER (WHERE position(? in ' '||flags||' ')>0) FROM mail_message"
            + " WHERE account=? AND mailbox_id=?",
        rs -> new Account.Status(m, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)),
        m.firstRecentUid(), " " + Flags.SEEN + " ", " " + Flags.DELETED + " ", account, m.id()).orElseThrow();
  }

  @Override
  long deletedSize(long mailboxId) throws SQLException {
    return one("SELECT coalesce(sum(size),0) FROM mail_message WHERE account=? AND mailbox_id=?"
        + " AND position(? in ' '||flags||' ')>0", rs -> rs.getLong(1), account, mailboxId, " " + Flags.DELETED + " ")
        .orElse(0L);
  }

  // ---- messages -----------------------------------------------------------------------------------

  @Override
  List<MessageRecord> messagesAbove(long mailboxId, long modseq) throws SQLException {
    return query("SELECT * FROM mail_message WHERE account=? AND mailbox_id=? AND modseq>? ORDER BY uid",
        SqliteMailIndex::messageRow, account, mailboxId, modseq);
  }

  @Override
  boolean hasBase(long mailboxId, String base) throws SQLException {
    return one("SELECT 1 FROM mail_message WHERE account=? AND mailbox_id=? AND base=?", rs -> 1, account, mailboxId,
        base).isPresent();
  }

  @Override
  Set<String> knownBases(long mailboxId, Collection<String> bases) throws SQLException {
    if (bases.isEmpty()) {
      return Set.of();
    }
    return sql.with(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT base FROM mail_message WHERE account=? AND mailbox_id=? AND base = ANY(?)")) {
        ps.setString(1, account);
        ps.setLong(2, mailboxId);
        ps.setArray(3, c.createArrayOf("text", bases.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          Set<String> out = new java.util.HashSet<>();
          while (rs.next()) {
            out.add(rs.getString(1));
          }
          return out;
        }
      }
    });
  }

  @Override
  java.util.OptionalLong uidOfBase(long mailboxId, String base) throws SQLException {
    Optional<Long> uid = one("SELECT uid FROM mail_message WHERE account=? AND mailbox_id=? AND base=?",
        rs -> rs.getLong(1), account, mailboxId, base);
    return uid.isPresent() ? java.util.OptionalLong.of(uid.get()) : java.util.OptionalLong.empty();
  }

  /**
   * UID, MODSEQ and the row in one statement: the mailbox's counters raised ({@code UPDATE … RETURNING},
   * whose row stays locked until the transaction ends) and the message inserted with them. No row comes
   * back when the mailbox is gone.
   */
  @Override
  long insertMessage(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException {
    // RFC 8514: the save date is the moment the message enters this mailbox (delivery, APPEND, COPY, MOVE).
    long uid = one("WITH n AS (UPDATE mail_mailbox SET uidnext=uidnext+1, highestmodseq=highestmodseq+1"
            + " WHERE account=? AND id=? RETURNING uidnext-1 AS uid, highestmodseq)"
            + " INSERT INTO mail_message(account, mailbox_id, uid, base, flags, modseq, internaldate, size, savedate)"
            + " SELECT ?, ?, n.uid, ?, ?, n.highestmodseq, ?, ?, ? FROM n RETURNING uid",
        rs -> rs.getLong(1), account, mailboxId, account, mailboxId, base, Flags.encode(flags), internalDate, size,
        System.currentTimeMillis())
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
    touch(mailboxId);
    return uid;
  }

  /**
   * {@link #insertOnce} in one statement that returns the mailbox's row after it, when the message was not
   * indexed yet (a scan of another node may have indexed its file first: then as {@link #insertOnce}).
   */
  @Override
  Inserted insertOnceReturning(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException {
    String encoded = Flags.encode(flags);
    long saved = System.currentTimeMillis();
    Optional<Inserted> done = one("WITH n AS (UPDATE mail_mailbox SET uidnext=uidnext+1, highestmodseq=highestmodseq+1"
            + " WHERE account=? AND id=? AND NOT EXISTS (SELECT 1 FROM mail_message WHERE account=? AND mailbox_id=?"
            + " AND base=?) RETURNING *), i AS (INSERT INTO mail_message(account, mailbox_id, uid, base, flags, modseq,"
            + " internaldate, size, savedate) SELECT ?, ?, n.uidnext-1, ?, ?, n.highestmodseq, ?, ?, ? FROM n"
            + " RETURNING uid) SELECT n.*, i.uid AS new_uid FROM n, i",
        rs -> {
          MailboxInfo after = SqliteMailIndex.mailboxRow(rs);
          long uid = rs.getLong("new_uid");
          return new Inserted(uid, new MessageRecord(uid, base, Flags.decode(encoded), after.highestModseq(),
              internalDate, size, saved), after);
        }, account, mailboxId, account, mailboxId, base, account, mailboxId, base, encoded, internalDate, size, saved);
    if (done.isPresent()) {
      touch(mailboxId);
      return done.get();
    }
    return super.insertOnceReturning(mailboxId, base, flags, internalDate, size);
  }

  /** The MODSEQ and the row in one statement. */
  @Override
  long setFlags(long mailboxId, long uid, Set<String> flags) throws SQLException {
    touch(mailboxId);
    return one("WITH n AS (UPDATE mail_mailbox SET highestmodseq=highestmodseq+1 WHERE account=? AND id=?"
            + " RETURNING highestmodseq), u AS (UPDATE mail_message SET flags=?, modseq=n.highestmodseq FROM n"
            + " WHERE account=? AND mailbox_id=? AND uid=?) SELECT highestmodseq FROM n",
        rs -> rs.getLong(1), account, mailboxId, Flags.encode(flags), account, mailboxId, uid)
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
  }

  /**
   * How many UIDs this index removes between looks at whether a mailbox's expunge history is past {@link
   * #EXPUNGED_KEPT}: that look walks up to that many index entries, too much for every EXPUNGE. So a
   * history may hold this many more per node for a while.
   */
  static final int FORGET_EVERY = 1000;

  /** UIDs removed since the last look (the first removal of an opened account looks). */
  private int removedSinceForget = FORGET_EVERY;

  /**
   * Rows, MODSEQ and history in one statement. Only the rows still there count: another node may have
   * expunged some of them first (then the MODSEQ is raised for the others only, and not at all when none).
   */
  @Override
  long removeMessages(long mailboxId, Collection<Long> uids) throws SQLException {
    if (uids.isEmpty()) {
      return 0;
    }
    long[] done = one("WITH d AS (DELETE FROM mail_message WHERE account=? AND mailbox_id=? AND uid = ANY(?) RETURNING uid),"
            + " n AS (UPDATE mail_mailbox SET highestmodseq=highestmodseq+1 WHERE account=? AND id=?"
            + " AND EXISTS (SELECT 1 FROM d) RETURNING highestmodseq),"
            + " e AS (INSERT INTO mail_expunged(account, mailbox_id, uid, modseq) SELECT ?, ?, d.uid, n.highestmodseq"
            + " FROM d, n ON CONFLICT (account, mailbox_id, uid) DO UPDATE SET modseq=excluded.modseq)"
            + " SELECT n.highestmodseq, (SELECT count(*) FROM d) FROM n",
        rs -> new long[] {rs.getLong(1), rs.getLong(2)}, account, mailboxId, List.copyOf(uids), account, mailboxId,
        account, mailboxId).orElse(null);
    if (done == null) {
      return 0;
    }
    touch(mailboxId);
    removedSinceForget += (int) Math.min(done[1], FORGET_EVERY);
    if (removedSinceForget >= FORGET_EVERY) {
      removedSinceForget = 0;
      forgetExpunged(mailboxId, EXPUNGED_KEPT);
    }
    return done[0];
  }

  @Override
  int forgetExpunged(long mailboxId, int keep) throws SQLException {
    Optional<Long> cut = one("SELECT modseq FROM mail_expunged WHERE account=? AND mailbox_id=?"
        + " ORDER BY modseq DESC LIMIT 1 OFFSET ?", rs -> rs.getLong(1), account, mailboxId, keep);
    if (cut.isEmpty()) {
      return 0;
    }
    update("UPDATE mail_mailbox SET expunge_floor=greatest(expunge_floor, ?) WHERE account=? AND id=?", cut.get(),
        account, mailboxId);
    return update("DELETE FROM mail_expunged WHERE account=? AND mailbox_id=? AND modseq<=?", account, mailboxId,
        cut.get());
  }

  @Override
  long expungeModseq(long mailboxId, Collection<Long> uids) throws SQLException {
    Optional<Long> min = one("SELECT min(modseq) FROM mail_expunged WHERE account=? AND mailbox_id=? AND uid = ANY(?)",
        rs -> {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        }, account, mailboxId, List.copyOf(uids));
    if (min.isPresent()) {
      return min.get();
    }
    return floor(mailboxId).orElse(0L);
  }

  private Optional<Long> floor(long mailboxId) throws SQLException {
    return one("SELECT expunge_floor FROM mail_mailbox WHERE account=? AND id=?", rs -> rs.getLong(1), account,
        mailboxId);
  }

  /** The floor and the UIDs in one round trip: every bring-up-to-date of a cached list asks it. */
  @Override
  List<Long> expungedSince(long mailboxId, long since) throws SQLException {
    return one("SELECT expunge_floor, CASE WHEN expunge_floor<=? THEN array(SELECT uid FROM mail_expunged e"
            + " WHERE e.account=m.account AND e.mailbox_id=m.id AND e.modseq>? ORDER BY uid) END"
            + " FROM mail_mailbox m WHERE account=? AND id=?",
        rs -> {
          java.sql.Array uids = rs.getArray(2);
          if (uids == null) {
            return Optional.<List<Long>>empty(); // the history does not reach back that far
          }
          List<Long> out = new ArrayList<>();
          for (Object u : (Object[]) uids.getArray()) {
            out.add(((Number) u).longValue());
          }
          return Optional.of(out);
        }, since, since, account, mailboxId).flatMap(o -> o).orElse(null);
  }

  // ---- METADATA -------------------------------------------------------------------------------------

  @Override
  SortedMap<String, byte[]> metadata(long mailboxId) throws SQLException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    for (Object[] r : query("SELECT name, value FROM mail_metadata WHERE account=? AND mailbox_id=?",
        rs -> new Object[] {rs.getString(1), rs.getBytes(2)}, account, mailboxId)) {
      out.put((String) r[0], (byte[]) r[1]);
    }
    return out;
  }

  @Override
  void setMetadata(long mailboxId, Map<String, byte[]> changes) throws SQLException {
    for (Map.Entry<String, byte[]> e : changes.entrySet()) {
      if (e.getValue() == null) {
        update("DELETE FROM mail_metadata WHERE account=? AND mailbox_id=? AND name=?", account, mailboxId, e.getKey());
      } else {
        update("INSERT INTO mail_metadata(account, mailbox_id, name, value) VALUES(?,?,?,?)"
                + " ON CONFLICT (account, mailbox_id, name) DO UPDATE SET value=excluded.value",
            account, mailboxId, e.getKey(), e.getValue());
      }
    }
    touch(mailboxId);
  }

  // ---- quota ----------------------------------------------------------------------------------------

  private Optional<Quota.Usage> usageRow() throws SQLException {
    return one("SELECT bytes, messages FROM mail_account WHERE account=?",
        rs -> new Quota.Usage(rs.getLong(1), rs.getLong(2)), account);
  }

  @Override
  Quota.Usage usage() throws SQLException {
    return usageRow().orElse(Quota.Usage.NONE);
  }

  @Override
  void recountUsage() throws SQLException {
    String recount = "UPDATE mail_account a SET"
        + " bytes=(SELECT coalesce(sum(size),0) FROM mail_message m WHERE m.account=a.account),"
        + " messages=(SELECT count(*) FROM mail_message m WHERE m.account=a.account) WHERE a.account=?";
    if (sql.inTransaction()) {
      update(recount, account);
    } else {
      inTx(() -> update(recount, account));
    }
  }

  @Override
  public void close() {
    // statements borrow pooled connections; nothing is held between calls
  }
}
