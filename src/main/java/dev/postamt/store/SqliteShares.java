package dev.postamt.store;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Shares} in {@code data_dir/shares.db}: SQLite in WAL mode, written by the server (SETACL) and
 * by {@code postamt mailbox share} alike. A connection is opened per call (these are rare, small
 * reads and writes next to a session's work); a missing file reads as empty and is created on the
 * first write. Failures are {@link StoreException}s of kind {@code SERVERBUG}.
 *
 * <pre>
 * acl(owner TEXT, mailbox TEXT, grantee TEXT, rights TEXT, PRIMARY KEY (owner, mailbox, grantee))
 * shared_account(address TEXT PRIMARY KEY)
 * send_as(address TEXT, grantee TEXT, PRIMARY KEY (address, grantee))
 * </pre>
 */
public final class SqliteShares implements Shares {
  public static final String FILE_NAME = "shares.db";
  private static final int SCHEMA_VERSION = 1;

  private final Path file;

  public SqliteShares(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  /** The shares of {@code dataDir} with the file made now (a copy from PostgreSQL fills it). */
  public static SqliteShares create(Path dataDir) {
    SqliteShares s = new SqliteShares(dataDir);
    s.with(true, null, c -> null);
    return s;
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS acl(owner TEXT NOT NULL, mailbox TEXT NOT NULL,"
          + " grantee TEXT NOT NULL, rights TEXT NOT NULL, PRIMARY KEY (owner, mailbox, grantee)) WITHOUT ROWID");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS acl_grantee ON acl(grantee)");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS shared_account(address TEXT PRIMARY KEY) WITHOUT ROWID");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS send_as(address TEXT NOT NULL, grantee TEXT NOT NULL,"
          + " PRIMARY KEY (address, grantee)) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a fresh connection; a read on a missing file answers {@code empty}. */
  private <T> T with(boolean write, T empty, Work<T> work) {
    if (!write && !Files.exists(file)) {
      return empty;
    }
    try (Connection c = SqliteFiles.open(file, SqliteShares::migrate)) {
      return work.run(c);
    } catch (SQLException | IOException e) {
      throw new StoreException(StoreException.Kind.SERVERBUG, "cannot use " + file + ": " + e.getMessage(), e);
    }
  }

  private static String key(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a send-as grant lets {@code user} send as {@code address} (submission's sender rule asks);
   * false when there is no grant, no file, or it cannot be read (the rule then refuses, as for any other
   * lookup failure).
   */
  public static boolean sendAsGranted(Path dataDir, String user, String address) {
    try {
      return new SqliteShares(dataDir).maySendAs(user, address);
    } catch (StoreException e) {
      return false;
    }
  }

  @Override
  public Map<String, Rights> acl(String owner, String mailbox) {
    return with(false, Map.of(), c -> {
      Map<String, Rights> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT grantee, rights FROM acl WHERE owner = ? AND mailbox = ?")) {
        ps.setString(1, key(owner));
        ps.setString(2, mailbox);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), new Rights(rs.getString(2)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void grant(String owner, String mailbox, String grantee, Rights rights) {
    if (rights.isEmpty()) {
      revoke(owner, mailbox, grantee);
      return;
    }
    with(true, null, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO acl(owner, mailbox, grantee, rights) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT(owner, mailbox, grantee) DO UPDATE SET rights = excluded.rights")) {
        ps.setString(1, key(owner));
        ps.setString(2, mailbox);
        ps.setString(3, key(grantee));
        ps.setString(4, rights.letters());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public boolean revoke(String owner, String mailbox, String grantee) {
    return with(false, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM acl WHERE owner = ? AND mailbox = ? AND grantee = ?")) {
        ps.setString(1, key(owner));
        ps.setString(2, mailbox);
        ps.setString(3, key(grantee));
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public List<Grant> sharedWith(String user) {
    String u = key(user);
    String domain = u.substring(u.indexOf('@') + 1);
    return with(false, List.of(), c -> grants(c,
        "SELECT owner, mailbox, grantee, rights FROM acl WHERE grantee IN (?, ?, ?, ?) AND owner <> ? ORDER BY owner, mailbox",
        u, ANYONE, AUTHENTICATED, "@" + domain, u));
  }

  @Override
  public List<Grant> ownedBy(String owner) {
    return with(false, List.of(), c -> grants(c,
        "SELECT owner, mailbox, grantee, rights FROM acl WHERE owner = ? ORDER BY mailbox, grantee", key(owner)));
  }

  private static List<Grant> grants(Connection c, String sql, String... args) throws SQLException {
    return GrantRows.read(c, sql, args);
  }


  @Override
  public void renamed(String owner, String from, String to) {
    with(false, null, c -> {
      c.setAutoCommit(false);
      try (PreparedStatement one = c.prepareStatement("UPDATE OR REPLACE acl SET mailbox = ? WHERE owner = ? AND mailbox = ?");
          PreparedStatement kids = c.prepareStatement("UPDATE OR REPLACE acl SET mailbox = ? || substr(mailbox, ?)"
              + " WHERE owner = ? AND substr(mailbox, 1, ?) = ?")) {
        one.setString(1, to);
        one.setString(2, key(owner));
        one.setString(3, from);
        one.executeUpdate();
        String prefix = from + MailboxNames.SEPARATOR;
        kids.setString(1, to + MailboxNames.SEPARATOR);
        kids.setInt(2, prefix.length() + 1);
        kids.setString(3, key(owner));
        kids.setInt(4, prefix.length());
        kids.setString(5, prefix);
        kids.executeUpdate();
        c.commit();
      }
      return null;
    });
  }

  @Override
  public void deleted(String owner, String mailbox) {
    with(false, null, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM acl WHERE owner = ? AND mailbox = ?")) {
        ps.setString(1, key(owner));
        ps.setString(2, mailbox);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void markShared(String address, boolean shared) {
    with(shared, null, c -> {
      try (PreparedStatement ps = c.prepareStatement(shared
          ? "INSERT OR IGNORE INTO shared_account(address) VALUES (?)" : "DELETE FROM shared_account WHERE address = ?")) {
        ps.setString(1, key(address));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Set<String> sharedAccounts() {
    return with(false, Set.of(), c -> strings(c, "SELECT address FROM shared_account"));
  }

  @Override
  public void allowSendAs(String address, String user, boolean allowed) {
    with(allowed, null, c -> {
      try (PreparedStatement ps = c.prepareStatement(allowed
          ? "INSERT OR IGNORE INTO send_as(address, grantee) VALUES (?, ?)"
          : "DELETE FROM send_as WHERE address = ? AND grantee = ?")) {
        ps.setString(1, key(address));
        ps.setString(2, key(user));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Set<String> sendAs(String address) {
    return with(false, Set.of(), c -> strings(c, "SELECT grantee FROM send_as WHERE address = ?", key(address)));
  }

  private static Set<String> strings(Connection c, String sql, String... args) throws SQLException {
    Set<String> out = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
