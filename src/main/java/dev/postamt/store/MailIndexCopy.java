package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.postgres.TableCopy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code postamt migrate --to/--from postgresql://…} for the mailbox indexes: every user's {@code
 * index.db} into the shared {@link PgMailIndex} tables (one account per file), or back. Every row keeps
 * its values, so mailbox ids, UIDVALIDITY, UIDs, MODSEQs, flags, expunge history, subscriptions and
 * METADATA are those clients have cached; the quota usage is counted afresh by each side's triggers as
 * the messages arrive. The message files stay where they are. The server must be stopped.
 *
 * <p>The rows move through {@link TableCopy}, which matches columns by name: the sources below are
 * queries that add or drop the {@code account} column and turn SQLite's {@code meta} rows into {@code
 * mail_account}'s columns and back. A target that holds index rows already is refused.
 */
public final class MailIndexCopy {
  private MailIndexCopy() {}

  /** One table's rows on each side after the copy, over all accounts. */
  public record Counted(String table, long from, long to) {}

  /** SQLite table → PostgreSQL table, parents first. */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("meta", "mail_account");
    TABLES.put("mailbox", "mail_mailbox");
    TABLES.put("message", "mail_message");
    TABLES.put("expunged", "mail_expunged");
    TABLES.put("subscription", "mail_subscription");
    TABLES.put("metadata", "mail_metadata");
  }

  /** Copies every user's SQLite index under the mail directory {@code mailRoot} into PostgreSQL. */
  public static List<Counted> toPostgres(Path mailRoot, PgDatabase db) throws SQLException, IOException {
    db.migrate(PgMailIndex.OWNER, PgMailIndex.SCHEMA);
    Map<String, Long> from = new LinkedHashMap<>();
    try (Connection pc = db.connection()) {
      refuseRows(pc, "mail_account", "PostgreSQL");
      for (Map.Entry<String, Path> user : StoreBackup.homesIn(mailRoot).entrySet()) {
        Path file = user.getValue().resolve("index.db");
        if (!Files.isRegularFile(file)) {
          continue; // a Maildir never opened: its first open on PostgreSQL indexes it
        }
        new SqliteMailIndex(file).close(); // brought to the current schema, as opening the account would
        String account = quote(user.getKey().toLowerCase(Locale.ROOT));
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file)) {
          for (Map.Entry<String, String> t : TABLES.entrySet()) {
            String source = t.getKey().equals("meta") ? sqliteAccountRow(account)
                : "(SELECT " + account + " AS account, * FROM " + t.getKey() + ") AS t";
            TableCopy.copy(sqlite, source, pc, t.getValue());
            from.merge(t.getValue(), TableCopy.count(sqlite, source), Long::sum);
          }
        }
      }
      return counted(from, pc, true);
    }
  }

  /** Copies every account of PostgreSQL into SQLite index files under {@code mailRoot}, which must have none yet. */
  public static List<Counted> fromPostgres(PgDatabase db, Path mailRoot) throws SQLException, IOException {
    db.migrate(PgMailIndex.OWNER, PgMailIndex.SCHEMA);
    Map<String, Long> to = new LinkedHashMap<>();
    try (Connection pc = db.connection()) {
      List<String> accounts = new ArrayList<>();
      try (var st = pc.createStatement(); var rs = st.executeQuery("SELECT account FROM mail_account ORDER BY account")) {
        while (rs.next()) {
          accounts.add(rs.getString(1));
        }
      }
      for (String user : accounts) {
        Path file = MailboxLayout.indexIn(mailRoot, user);
        Files.createDirectories(file.getParent());
        new SqliteMailIndex(file).close();
        String account = quote(user);
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file)) {
          refuseRows(sqlite, "mailbox", file.toString());
          for (Map.Entry<String, String> t : TABLES.entrySet()) {
            String source = t.getKey().equals("meta") ? pgMetaRows(account)
                : "(SELECT * FROM " + t.getValue() + " WHERE account=" + account + ") AS t";
            TableCopy.copy(pc, source, sqlite, t.getKey());
            to.merge(t.getValue(), TableCopy.count(sqlite, t.getKey().equals("meta")
                ? "(SELECT * FROM meta WHERE key='last_mailbox_id') AS t" : t.getKey()), Long::sum);
          }
        }
      }
      return counted(to, pc, false);
    }
  }

  private static List<Counted> counted(Map<String, Long> sqlite, Connection pc, boolean toPostgres) throws SQLException {
    List<Counted> out = new ArrayList<>();
    for (String table : TABLES.values()) {
      long pg = TableCopy.count(pc, table);
      long lite = sqlite.getOrDefault(table, 0L);
      out.add(toPostgres ? new Counted(table, lite, pg) : new Counted(table, pg, lite));
    }
    return out;
  }

  private static void refuseRows(Connection c, String table, String where) throws SQLException {
    long already = TableCopy.count(c, table);
    if (already > 0) {
      throw new SQLException("mailbox index: " + where + " table " + table + " already has " + already
          + " rows; copy into an empty one");
    }
  }

  /** The account's row of {@code mail_account} from SQLite's {@code meta}; the usage is counted by the trigger. */
  private static String sqliteAccountRow(String account) {
    return "(SELECT " + account + " AS account,"
        + " EXISTS(SELECT 1 FROM meta WHERE key='initialized') AS initialized,"
        + " coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key='last_uidvalidity'), 0) AS last_uidvalidity,"
        + " coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key='last_mailbox_id'), 0) AS last_mailbox_id,"
        + " 0 AS bytes, 0 AS messages) AS t";
  }

  /** SQLite's {@code meta} rows from the account's {@code mail_account} row. */
  private static String pgMetaRows(String account) {
    String a = " FROM mail_account WHERE account=" + account;
    return "(SELECT 'initialized' AS key, '1' AS value" + a + " AND initialized"
        + " UNION ALL SELECT 'last_uidvalidity', CAST(last_uidvalidity AS TEXT)" + a
        + " UNION ALL SELECT 'last_mailbox_id', CAST(last_mailbox_id AS TEXT)" + a + ") AS t";
  }

  /** An SQL string literal (account names come from directory names, but may hold a quote). */
  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
