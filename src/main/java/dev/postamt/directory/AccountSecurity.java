package dev.postamt.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What guards an account beyond its password, in the directory database: whether it is disabled, its
 * administrator role, its TOTP second factor (RFC 6238, for the web login) and its app passwords. The
 * one owner of those columns and tables; {@link Directory} consults it when a password is checked and
 * hands it out through {@link Directory#security()}.
 *
 * <p>App passwords (one per client, named, revocable) are random 100-bit secrets shown once; only their
 * SHA-256 is stored, which is enough for a secret that long (a slow hash protects guessable
 * passwords). They log in to IMAP, POP3, SMTP and JMAP ({@link Directory#authenticate}), never to the
 * web console ({@link Directory#authenticateAccount}).
 */
public final class AccountSecurity {
  /** How many app passwords one user may have. */
  public static final int MAX_APP_PASSWORDS = 50;
  /**
   * Made at its first use, not when the class is: a process's first SecureRandom sets up the JDK's
   * security providers (~30 ms), which a server's start then no longer waits for (issue 27).
   */
  private static final class Lazy {
    static final SecureRandom RANDOM = new SecureRandom();
  }
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray(); // 32: 5 bits a letter

  /** The administrator role: every domain, or the listed ones. */
  public record Roles(boolean admin, Set<String> domains) {
    public static final Roles USER = new Roles(false, Set.of());

    /** Whether the account administers anything. */
    public boolean administers() {
      return admin || !domains.isEmpty();
    }

    /** Whether the account may administer {@code domain}. */
    public boolean administers(String domain) {
      return admin || domains.contains(domain.toLowerCase(Locale.ROOT));
    }
  }

  /** One app password as listed: never the secret. */
  public record AppPassword(String id, String name, Instant created, Instant lastUsed) {}

  /** A new app password: its listing and the secret, which is shown this once. */
  public record NewAppPassword(AppPassword info, String secret) {}

  private final DirectoryDb db;

  AccountSecurity(DirectoryDb db) {
    this.db = db;
  }

  // ---- disabled accounts ----

  /** Whether the user exists and is disabled. */
  public boolean disabled(String address) throws DirectoryException {
    Optional<Address> a = Directory.lenient(address);
    if (a.isEmpty()) {
      return false;
    }
    return db.read("look up " + a.get(), () -> db.exists("SELECT 1 FROM users WHERE address = ? AND disabled = 1", a.get().toString()));
  }

  /**
   * Disables (no login anywhere, mail still accepted) or enables an account. Every login reads the
   * flag first, so it takes effect at once, the verified-login cache included.
   */
  public void setDisabled(String address, boolean disabled) throws DirectoryException {
    Address a = Address.parse(address);
    db.write((disabled ? "disable " : "enable ") + a, () -> {
      if (db.update("UPDATE users SET disabled = ? WHERE address = ?", disabled ? 1 : 0, a.toString()) == 0) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      return null;
    });
  }

  // ---- roles ----

  public Roles roles(String address) throws DirectoryException {
    Optional<Address> a = Directory.lenient(address);
    if (a.isEmpty()) {
      return Roles.USER;
    }
    String user = a.get().toString();
    return db.read("look up the role of " + user, () -> {
      boolean admin = "admin".equals(db.string("SELECT role FROM users WHERE address = ?", user));
      Set<String> domains = new LinkedHashSet<>(db.strings("SELECT domain FROM domain_admins WHERE address = ? ORDER BY domain", user));
      return new Roles(admin, Set.copyOf(domains));
    });
  }

  /** Makes the user an administrator of every domain, or takes that role away. */
  public void setAdmin(String address, boolean admin) throws DirectoryException {
    Address a = Address.parse(address);
    db.write("set the role of " + a, () -> {
      if (db.update("UPDATE users SET role = ? WHERE address = ?", admin ? "admin" : null, a.toString()) == 0) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      return null;
    });
  }

  /** Makes the user an administrator of {@code domain} (a local domain) only. */
  public void addDomainAdmin(String address, String domain) throws DirectoryException {
    Address a = Address.parse(address);
    String d = Address.parseDomain(domain);
    db.write("make " + a + " an administrator of " + d, () -> {
      if (!db.exists("SELECT 1 FROM users WHERE address = ?", a.toString())) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      if (!db.exists("SELECT 1 FROM domains WHERE name = ?", d)) {
        throw new DirectoryException("domain " + d + " is not a local domain");
      }
      db.update("INSERT INTO domain_admins(address, domain) VALUES (?, ?) ON CONFLICT DO NOTHING", a.toString(), d);
      return null;
    });
  }

  public void removeDomainAdmin(String address, String domain) throws DirectoryException {
    Address a = Address.parse(address);
    String d = Address.parseDomain(domain);
    db.write("remove " + a + " as administrator of " + d, () ->
        db.update("DELETE FROM domain_admins WHERE address = ? AND domain = ?", a.toString(), d));
  }

  // ---- TOTP ----

  /** The user's TOTP secret (base32, RFC 4648) when the second factor is on. */
  public Optional<String> totpSecret(String address) throws DirectoryException {
    Optional<Address> a = Directory.lenient(address);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(db.read("look up the second factor of " + a.get(),
        () -> db.string("SELECT totp FROM users WHERE address = ?", a.get().toString())));
  }

  /** Turns the second factor on with {@code secret} (base32), or off with null. */
  public void setTotpSecret(String address, String secret) throws DirectoryException {
    Address a = Address.parse(address);
    if (secret != null && Totp.decodeBase32(secret).isEmpty()) {
      throw new DirectoryException("the TOTP secret is not base32");
    }
    db.write("set the second factor of " + a, () -> {
      if (db.update("UPDATE users SET totp = ? WHERE address = ?", secret, a.toString()) == 0) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      return null;
    });
  }

  // ---- app passwords ----

  /** Creates an app password named {@code name} (1 to 64 printable characters) for the user. */
  public NewAppPassword addAppPassword(String address, String name) throws DirectoryException {
    Address a = Address.parse(address);
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.length() > 64 || n.chars().anyMatch(Character::isISOControl)) {
      throw new DirectoryException("an app password needs a name of 1 to 64 printable characters");
    }
    String secret = newSecret();
    String id = newId();
    String hash = hash(secret);
    Instant now = Instant.now();
    db.write("add an app password for " + a, () -> {
      if (!db.exists("SELECT 1 FROM users WHERE address = ?", a.toString())) {
        throw new DirectoryException("user " + a + " does not exist");
      }
      if (count(a.toString()) >= MAX_APP_PASSWORDS) {
        throw new DirectoryException(a + " already has " + MAX_APP_PASSWORDS + " app passwords; revoke one first");
      }
      db.update("INSERT INTO app_passwords(id, address, name, hash, created) VALUES (?, ?, ?, ?, ?)",
          id, a.toString(), n, hash, now.toString());
      return null;
    });
    return new NewAppPassword(new AppPassword(id, n, now, null), secret);
  }

  public List<AppPassword> appPasswords(String address) throws DirectoryException {
    Address a = Address.parse(address);
    return db.read("list app passwords of " + a, () -> {
      List<AppPassword> out = new ArrayList<>();
      try (PreparedStatement ps = db.prepare(
              "SELECT id, name, created, last_used FROM app_passwords WHERE address = ? ORDER BY created, id", a.toString());
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new AppPassword(rs.getString(1), rs.getString(2), instant(rs.getString(3)), instant(rs.getString(4))));
        }
      }
      return out;
    });
  }

  /** Revokes one app password of the user; false when the user has none with that id. */
  public boolean revokeAppPassword(String address, String id) throws DirectoryException {
    Address a = Address.parse(address);
    return db.write("revoke an app password of " + a,
        () -> db.update("DELETE FROM app_passwords WHERE address = ? AND id = ?", a.toString(), id) > 0);
  }

  /**
   * Whether {@code password} is one of the user's app passwords (dashes, spaces and letter case
   * ignored); records it as used now.
   */
  boolean checkAppPassword(String user, char[] password) throws DirectoryException {
    String normal = normalise(password);
    if (normal.length() != 20) {
      return false;
    }
    String hash = hash(normal);
    return db.writeUncached("check an app password of " + user, () ->
        db.update("UPDATE app_passwords SET last_used = ? WHERE address = ? AND hash = ?", Instant.now().toString(), user, hash) > 0);
  }

  private int count(String user) throws java.sql.SQLException {
    return db.strings("SELECT id FROM app_passwords WHERE address = ?", user).size();
  }

  private static String normalise(char[] password) {
    StringBuilder b = new StringBuilder(password.length);
    for (char c : password) {
      if (c != '-' && c != ' ') {
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  /** 20 letters of a 32-letter alphabet without look-alikes, in groups of four: 100 bits. */
  private static String newSecret() {
    StringBuilder b = new StringBuilder(24);
    for (int i = 0; i < 20; i++) {
      if (i > 0 && i % 4 == 0) {
        b.append('-');
      }
      b.append(ALPHABET[Lazy.RANDOM.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }

  private static String newId() {
    byte[] b = new byte[6];
    Lazy.RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String hash(String secret) {
    try {
      String normal = normalise(secret.toCharArray());
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normal.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }
}
