package dev.postamt.directory;

import dev.postamt.config.Config;
import dev.postamt.postgres.PgDatabase;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Domains, users and aliases, kept in SQLite at {@code data_dir/directory.db} or, with {@code [database]
 * url} set, in PostgreSQL shared by every node. Every lookup reads the database unless {@link
 * #cacheLookups} is on (the server's), and then every change made by the CLI or another node while the
 * server runs drops the cached answers as it commits ({@link LookupCache}).
 *
 * <p>All addresses are normalised by {@link Address#parse} before they are stored or looked up. Changes
 * validate their input and throw a {@link DirectoryException} whose message is fit for a one-line CLI
 * error. Lookups ({@link #isLocalDomain}, {@link #userExists}, {@link #aliasTargets}, …) treat a
 * syntactically bad address as simply unknown; they throw only when the database itself fails, which
 * callers should treat as a temporary failure.
 *
 * <p>The SQL is the same on both backends; {@link DirectoryDb} runs it (on SQLite one connection shared
 * by all threads under a lock, in WAL mode with a busy timeout so that the CLI and a running server can
 * use the file at the same time; on PostgreSQL the process's pool). Argon2 work is done outside any
 * transaction.
 *
 * <p>Domains and users live here; logins in {@link PasswordLogins}, aliases in {@link Aliases}, masked
 * addresses in {@link Masks}, account security in {@link AccountSecurity}.
 */
public final class Directory implements AutoCloseable, LoginCheck {
  public static final String FILE_NAME = "directory.db";

  private final DirectoryDb db;

  private final AccountSecurity security;
  private final Masks masks;
  private final LookupCache cache;
  private final PasswordLogins logins;
  private final Aliases aliases;

  private Directory(DirectoryDb db, java.util.function.LongSupplier clock) {
    this.db = db;
    this.cache = new LookupCache(db, clock);
    this.security = new AccountSecurity(db);
    this.masks = new Masks(db, cache);
    this.logins = new PasswordLogins(db, security);
    this.aliases = new Aliases(db, cache);
  }

  private Directory(DirectoryDb db) {
    this(db, System::nanoTime);
  }

  /**
   * Remembers the answers of the lookups the mail path makes (local domains, users, aliases and
   * catch-alls, masks, quotas): positive ones for at most {@code positive}, negative ones for at most
   * {@code negative} (both zero: off, the default). Every change made through any directory of this
   * process, on another node (PostgreSQL {@code NOTIFY}) or by another process on the SQLite file ({@code
   * PRAGMA data_version}) invalidates them; see {@link LookupCache}.
   */
  public void cacheLookups(java.time.Duration positive, java.time.Duration negative) throws DirectoryException {
    cache.enable(positive, negative);
  }

  /**
   * Runs {@code op} as one decision: the cached lookups in it ask the SQLite file for another process's
   * changes once, at the first answer that needs that look, instead of before every negative answer (see
   * {@link LookupCache}). For the server's SMTP commands, whose recipient and delivery checks made about
   * six such looks per message. A scope inside another one looks again for itself. Outside any scope
   * every lookup looks for itself.
   */
  public static <T, X extends Throwable> T oneLook(ScopedValue.CallableOp<? extends T, X> op) throws X {
    return LookupCache.oneCheck(op);
  }

  /** {@link #cacheLookups(java.time.Duration, java.time.Duration)} with the usual lifetimes (60 s and 10 s). */
  public void cacheLookups() throws DirectoryException {
    cacheLookups(LookupCache.POSITIVE, LookupCache.NEGATIVE);
  }

  /** The lookup cache, for tests. */
  LookupCache lookupCache() {
    return cache;
  }

  /** Tests: a directory whose lookup cache reads time from {@code clock} (nanoseconds). */
  static Directory open(Path dataDir, java.util.function.LongSupplier clock) throws DirectoryException {
    return new Directory(DirectoryDb.sqlite(dataDir), clock);
  }

  /** Tests: {@link #open(PgDatabase)} with the lookup cache's clock. */
  static Directory open(PgDatabase pg, java.util.function.LongSupplier clock) throws DirectoryException {
    return new Directory(DirectoryDb.postgres(pg), clock);
  }

  /** Disabled accounts, administrator roles, the second factor and app passwords. */
  public AccountSecurity security() {
    return security;
  }

  /** Masked (disposable) addresses: {@code postamt alias mask}. */
  public Masks masks() {
    return masks;
  }

  /**
   * Opens (creating when missing) {@code dataDir/directory.db}, its schema brought up to date: SQLite
   * whatever the config says; code that has the {@link Config} opens {@link #open(Config)}.
   */
  public static Directory open(Path dataDir) throws DirectoryException {
    return new Directory(DirectoryDb.sqlite(dataDir));
  }

  /**
   * The directory {@code config} names: PostgreSQL when {@code [database] url} is set (its tables created
   * or upgraded first), else {@code data_dir/directory.db}.
   */
  public static Directory open(Config config) throws DirectoryException {
    if (config.database().postgres().isEmpty()) {
      return open(config.dataDir());
    }
    PgDatabase pg;
    try {
      pg = PgDatabase.of(config.database());
    } catch (PgDatabase.Failure e) {
      throw new DirectoryException(e.getMessage(), e);
    }
    return open(pg);
  }

  /** The directory in PostgreSQL, shared by every node using {@code pg}; closing it leaves the pool open. */
  public static Directory open(PgDatabase pg) throws DirectoryException {
    return new Directory(DirectoryDb.postgres(pg));
  }

  /** The SQLite file; null when the directory is in PostgreSQL. */
  public Path file() {
    return db.file();
  }

  // ---- domains ----

  public void addDomain(String name) throws DirectoryException {
    String d = Address.parseDomain(name);
    db.write("add domain " + d, () -> {
      if (db.exists("SELECT 1 FROM domains WHERE name = ?", d)) {
        throw new DirectoryException("domain " + d + " already exists");
      }
      db.update("INSERT INTO domains(name) VALUES (?)", d);
      return null;
    });
  }

  /** Removes an empty domain; refuses while users or aliases of the domain remain. */
  public void removeDomain(String name) throws DirectoryException {
    String d = Address.parseDomain(name);
    db.write("remove domain " + d, () -> {
      if (!db.exists("SELECT 1 FROM domains WHERE name = ?", d)) {
        throw notLocal(d);
      }
      List<String> users = db.strings("SELECT address FROM users WHERE domain = ? ORDER BY address", d);
      if (!users.isEmpty()) {
        throw new DirectoryException(
            "domain " + d + " still has " + count(users, "user") + " (" + sample(users)
                + "); remove them first with 'postamt user remove ADDRESS'");
      }
      List<String> aliases = db.strings("SELECT DISTINCT address FROM aliases WHERE domain = ? ORDER BY address", d);
      if (!aliases.isEmpty()) {
        throw new DirectoryException(
            "domain " + d + " still has " + count(aliases, "alias") + " (" + sample(aliases)
                + "); remove them first with 'postamt alias remove ADDRESS'");
      }
      db.update("DELETE FROM domains WHERE name = ?", d);
      return null;
    });
  }

  public List<String> domains() throws DirectoryException {
    return db.read("list domains", () -> db.strings("SELECT name FROM domains ORDER BY name"));
  }

  public boolean isLocalDomain(String domain) throws DirectoryException {
    String d;
    try {
      d = Address.parseDomain(domain);
    } catch (DirectoryException bad) {
      return false;
    }
    return cache.get("d " + d, () -> db.read("look up domain " + d, () -> db.exists("SELECT 1 FROM domains WHERE name = ?", d)),
        known -> !known);
  }

  // ---- users ----

  public void addUser(String address, char[] password) throws DirectoryException {
    Address a = Address.parse(address);
    checkPassword(password);
    // Fail fast (before the slow hash) on the usual mistakes; the insert checks again in its transaction.
    if (!isLocalDomain(a.domain())) {
      throw notLocal(a.domain());
    }
    if (userExists(a.toString())) {
      throw new DirectoryException("user " + a + " already exists");
    }
    insertUser(a, PasswordHash.hash(password), ScramCredentials.derive(password).encode()); // slow: outside the lock
  }

  /**
   * Adds a user whose password is already hashed, for moving users over from Dovecot or another
   * Postamt (a {@code {ARGON2ID}} hash works as it is once the scheme prefix is removed). Only Argon2id
   * PHC strings are accepted: the directory never stores anything weaker.
   */
  public void addUserWithHash(String address, String passwordHash) throws DirectoryException {
    Address a = Address.parse(address);
    if (!PasswordHash.isWellFormed(passwordHash)) {
      throw new DirectoryException("password hash for " + a + " is not an Argon2id PHC string ($argon2id$v=19$...)");
    }
    insertUser(a, passwordHash, null);
  }

  private void insertUser(Address a, String hash, String scram) throws DirectoryException {
    db.write("add user " + a, () -> {
      requireLocalDomain(db, a.domain());
      if (db.exists("SELECT 1 FROM users WHERE address = ?", a.toString())) {
        throw new DirectoryException("user " + a + " already exists");
      }
      db.update("INSERT INTO users(address, domain, password, scram) VALUES (?, ?, ?, ?)", a.toString(), a.domain(), hash, scram);
      return null;
    });
  }

  public void setPassword(String address, char[] password) throws DirectoryException {
    Address a = Address.parse(address);
    checkPassword(password);
    String hash = PasswordHash.hash(password);
    String scram = ScramCredentials.derive(password).encode();
    db.write("set password of " + a, () -> {
      if (db.update("UPDATE users SET password = ?, scram = ? WHERE address = ?", hash, scram, a.toString()) == 0) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      return null;
    });
  }

  /** Removes the user from the directory. The mail on disk is kept; deleting it is the admin's call. */
  public void removeUser(String address) throws DirectoryException {
    Address a = Address.parse(address);
    db.write("remove user " + a, () -> {
      if (db.update("DELETE FROM users WHERE address = ?", a.toString()) == 0) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      return null;
    });
  }

  public List<String> users() throws DirectoryException {
    return db.read("list users", () -> db.strings("SELECT address FROM users ORDER BY domain, address"));
  }

  public boolean userExists(String address) throws DirectoryException {
    Optional<Address> a = lenient(address);
    if (a.isEmpty()) {
      return false;
    }
    String user = a.get().toString();
    return cache.get("u " + user, () -> db.read("look up user " + user, () -> db.exists("SELECT 1 FROM users WHERE address = ?", user)),
        known -> !known);
  }

  /**
   * A user's own quota: each limit is a number (0 for unlimited) or empty, meaning the default from
   * {@code [store]} in the config applies. The directory stores the setting; the store enforces it.
   */
  public record UserQuota(OptionalLong storageBytes, OptionalLong messages) {
    public static final UserQuota DEFAULT = new UserQuota(OptionalLong.empty(), OptionalLong.empty());
  }

  /** The quota settings of a user (any letter case); empty when there is no such user. */
  public Optional<UserQuota> quota(String address) throws DirectoryException {
    Optional<Address> a = lenient(address);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String user = a.get().toString();
    return cache.get("q " + user, () -> db.read("look up quota of " + user, () -> {
      try (PreparedStatement ps = db.prepare("SELECT quota_bytes, quota_messages FROM users WHERE address = ?", user);
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<UserQuota>empty();
        }
        return Optional.of(new UserQuota(optionalLong(rs, 1), optionalLong(rs, 2)));
      }
    }), Optional::isEmpty);
  }

  /** Sets the storage limit in bytes (0: unlimited; empty: back to the config default). */
  public void setStorageQuota(String address, OptionalLong bytes) throws DirectoryException {
    setQuotaColumn(address, "quota_bytes", bytes, "storage quota");
  }

  /** Sets the message-count limit (0: unlimited; empty: back to the config default). */
  public void setMessageQuota(String address, OptionalLong messages) throws DirectoryException {
    setQuotaColumn(address, "quota_messages", messages, "message quota");
  }

  private void setQuotaColumn(String address, String column, OptionalLong value, String what)
      throws DirectoryException {
    Address a = Address.parse(address);
    if (value.isPresent() && value.getAsLong() < 0) {
      throw new DirectoryException(what + " must not be negative");
    }
    Object v = value.isPresent() ? value.getAsLong() : null;
    db.write("set " + what + " of " + a, () -> {
      if (db.update("UPDATE users SET " + column + " = ? WHERE address = ?", v, a.toString()) == 0) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      return null;
    });
  }

  private static OptionalLong optionalLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /**
   * Remembers successful password checks for {@code ttl} (0: off), so that a client that logs in again
   * and again (IMAP clients open several connections, and reconnect) does not cost an Argon2 run each
   * time. See {@link VerifiedLogins}.
   */
  public void cacheVerifiedLogins(java.time.Duration ttl) {
    logins.cacheVerifiedLogins(ttl);
  }

  /**
   * The user's canonical address when the password is right. The username is the full address, in any
   * letter case. An unknown user costs the same Argon2 work as a wrong password, so response times do
   * not tell which addresses exist.
   */
  @Override
  public Optional<String> authenticate(String username, char[] password) throws DirectoryException {
    return logins.authenticate(username, password);
  }

  /**
   * Like {@link #authenticate} with the account password only, never an app password: the web
   * console's login, where the account itself is at stake.
   */
  public Optional<String> authenticateAccount(String username, char[] password) throws DirectoryException {
    return logins.authenticateAccount(username, password);
  }

  /**
   * The SCRAM-SHA-256 credentials of a user (any letter case), or empty when the user does not exist
   * or was added with only a password hash and has not logged in with a plain password since.
   */
  public Optional<ScramCredentials> scramCredentials(String username) throws DirectoryException {
    return logins.scramCredentials(username);
  }

  @Override
  public Optional<ScramLogin> scramLogin(String username) throws DirectoryException {
    return logins.scramLogin(username);
  }

  // ---- aliases ----

  /**
   * Adds {@code targets} to the alias {@code address} (a full address, or {@code @domain} for the
   * domain's catch-all), creating it if needed. Targets already present are skipped, so adding is
   * idempotent and mailing lists can be built one member at a time.
   */
  public void addAlias(String address, List<String> targets) throws DirectoryException {
    aliases.addAlias(address, targets);
  }

  public void removeAlias(String address) throws DirectoryException {
    aliases.removeAlias(address);
  }

  /** Removes some targets of an alias; the alias goes away with its last target. */
  public void removeAliasTargets(String address, List<String> targets) throws DirectoryException {
    aliases.removeAliasTargets(address, targets);
  }

  /** Every alias with its targets, ordered by domain then address (catch-alls first in their domain). */
  public Map<String, List<String>> aliases() throws DirectoryException {
    return aliases.all();
  }

  /** Targets of the alias {@code address} (exact address, then {@code @domain} catch-all); empty if none. */
  public List<String> aliasTargets(String address) throws DirectoryException {
    return aliases.targets(address);
  }

  /**
   * Targets of the alias for exactly {@code address} (or the catch-all when {@code address} is
   * {@code @domain}), without falling back to the catch-all; empty if none.
   */
  public List<String> exactAliasTargets(String address) throws DirectoryException {
    return aliases.exactTargets(address);
  }

  /** Targets of the catch-all alias {@code @domain}; empty if the domain has none. */
  public List<String> catchAllTargets(String domain) throws DirectoryException {
    return aliases.catchAllTargets(domain);
  }

  @Override
  public void close() {
    db.close();
  }

  // ---- helpers ----

  static Optional<Address> lenient(String address) {
    try {
      return Optional.of(Address.parse(address));
    } catch (DirectoryException bad) {
      return Optional.empty();
    }
  }

  private static void checkPassword(char[] password) throws DirectoryException {
    if (password == null || password.length == 0) {
      throw new DirectoryException("password must not be empty");
    }
  }

  static void requireLocalDomain(DirectoryDb db, String domain) throws SQLException, DirectoryException {
    if (!db.exists("SELECT 1 FROM domains WHERE name = ?", domain)) {
      throw notLocal(domain);
    }
  }

  private static DirectoryException notLocal(String domain) {
    return new DirectoryException(
        "domain " + domain + " is not a local domain; add it first with 'postamt domain add " + domain + "'");
  }

  private static String count(List<String> items, String noun) {
    return items.size() + " " + noun + (items.size() == 1 ? "" : noun.endsWith("s") ? "es" : "s");
  }

  private static String sample(List<String> items) {
    return items.size() <= 3 ? String.join(", ", items) : String.join(", ", items.subList(0, 3)) + ", …";
  }
}
