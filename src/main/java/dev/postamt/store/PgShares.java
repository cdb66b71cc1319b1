package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Shares} in PostgreSQL, shared by every node: the same three tables as {@link SqliteShares}
 * ({@code share_acl}, {@code share_account}, {@code share_send_as}), each statement atomic on its own
 * ({@code INSERT … ON CONFLICT}); a rename moves an entry and those of the children in one transaction.
 * Failures are {@link StoreException}s of kind {@code SERVERBUG}.
 */
public final class PgShares implements Shares {
  static final String OWNER = "shares";

  static final List<String> SCHEMA = List.of("""
      CREATE TABLE share_acl(owner TEXT NOT NULL, mailbox TEXT NOT NULL, grantee TEXT NOT NULL, rights TEXT NOT NULL,
        PRIMARY KEY (owner, mailbox, grantee));
      CREATE INDEX share_acl_grantee ON share_acl(grantee);
      CREATE TABLE share_account(address TEXT PRIMARY KEY);
      CREATE TABLE share_send_as(address TEXT NOT NULL, grantee TEXT NOT NULL, PRIMARY KEY (address, grantee));
      """);

  /** SQLite table → PostgreSQL table, for {@code postamt migrate}. */
  public static final List<String[]> TABLES = List.of(new String[] {"acl", "share_acl"},
      new String[] {"shared_account", "share_account"}, new String[] {"send_as", "share_send_as"});

  private final PgDatabase db;

  private PgShares(PgDatabase db) {
    this.db = db;
  }

  /** One per pool: the tables are made or brought up to date once, not at every look-up (submission asks per message). */
  private static final Map<PgDatabase, PgShares> OPEN = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /** The shares in {@code db}, its tables made or brought up to date first. */
  public static PgShares open(PgDatabase db) {
    return OPEN.computeIfAbsent(db, d -> {
      d.migrate(OWNER, SCHEMA);
      return new PgShares(d);
    });
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T with(Work<T> work) {
    try (Connection c = db.connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(StoreException.Kind.SERVERBUG, "cannot use the shares in " + db.display() + ": "
          + e.getMessage(), e);
    }
  }

  private int update(String sql, String... args) {
    return with(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setString(i + 1, args[i]);
        }
        return ps.executeUpdate();
      }
    });
  }

  private static String key(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public Map<String, Rights> acl(String owner, String mailbox) {
    Map<String, Rights> out = new TreeMap<>();
    for (Grant g : grants("SELECT owner, mailbox, grantee, rights FROM share_acl WHERE owner = ? AND mailbox = ?",
        key(owner), mailbox)) {
      out.put(g.grantee(), g.rights());
    }
    return out;
  }

  @Override
  public void grant(String owner, String mailbox, String grantee, Rights rights) {
    if (rights.isEmpty()) {
      revoke(owner, mailbox, grantee);
      return;
    }
    update("INSERT INTO share_acl(owner, mailbox, grantee, rights) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (owner, mailbox, grantee) DO UPDATE SET rights = excluded.rights",
        key(owner), mailbox, key(grantee), rights.letters());
  }

  @Override
  public boolean revoke(String owner, String mailbox, String grantee) {
    return update("DELETE FROM share_acl WHERE owner = ? AND mailbox = ? AND grantee = ?", key(owner), mailbox,
        key(grantee)) > 0;
  }

  @Override
  public List<Grant> sharedWith(String user) {
    String u = key(user);
    String domain = u.substring(u.indexOf('@') + 1);
    return grants("SELECT owner, mailbox, grantee, rights FROM share_acl WHERE grantee IN (?, ?, ?, ?) AND owner <> ?"
        + " ORDER BY owner COLLATE \"C\", mailbox COLLATE \"C\"", u, ANYONE, AUTHENTICATED, "@" + domain, u);
  }

  @Override
  public List<Grant> ownedBy(String owner) {
    return grants("SELECT owner, mailbox, grantee, rights FROM share_acl WHERE owner = ?"
        + " ORDER BY mailbox COLLATE \"C\", grantee COLLATE \"C\"", key(owner));
  }

  private List<Grant> grants(String sql, String... args) {
    return with(c -> GrantRows.read(c, sql, args));
  }


  /** The entries of the mailbox and its children move; an entry already at the new name is replaced. */
  @Override
  public void renamed(String owner, String from, String to) {
    String prefix = from + MailboxNames.SEPARATOR;
    try {
      db.transaction(c -> {
        List<Grant> moving = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM share_acl WHERE owner = ?"
            + " AND (mailbox = ? OR left(mailbox, ?) = ?) RETURNING owner, mailbox, grantee, rights")) {
          ps.setString(1, key(owner));
          ps.setString(2, from);
          ps.setInt(3, prefix.length());
          ps.setString(4, prefix);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              moving.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3), new Rights(rs.getString(4))));
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO share_acl(owner, mailbox, grantee, rights)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (owner, mailbox, grantee) DO UPDATE SET rights = excluded.rights")) {
          for (Grant g : moving) {
            ps.setString(1, g.owner());
            ps.setString(2, to + g.mailbox().substring(from.length()));
            ps.setString(3, g.grantee());
            ps.setString(4, g.rights().letters());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException(StoreException.Kind.SERVERBUG, "cannot use the shares in " + db.display() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void deleted(String owner, String mailbox) {
    update("DELETE FROM share_acl WHERE owner = ? AND mailbox = ?", key(owner), mailbox);
  }

  @Override
  public void markShared(String address, boolean shared) {
    update(shared ? "INSERT INTO share_account(address) VALUES (?) ON CONFLICT DO NOTHING"
        : "DELETE FROM share_account WHERE address = ?", key(address));
  }

  @Override
  public Set<String> sharedAccounts() {
    return strings("SELECT address FROM share_account");
  }

  @Override
  public void allowSendAs(String address, String user, boolean allowed) {
    update(allowed ? "INSERT INTO share_send_as(address, grantee) VALUES (?, ?) ON CONFLICT DO NOTHING"
        : "DELETE FROM share_send_as WHERE address = ? AND grantee = ?", key(address), key(user));
  }

  @Override
  public Set<String> sendAs(String address) {
    return strings("SELECT grantee FROM share_send_as WHERE address = ?", key(address));
  }

  private Set<String> strings(String sql, String... args) {
    return with(c -> {
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
    });
  }
}
