package dev.postamt.directory;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Masked (disposable) addresses: one address per correspondent ({@code shop.k7m2q9xw4d@example.org}),
 * delivering to its owner until it is switched off, when it starts receiving spam or the shop is sold.
 * The one owner of the {@code masks} table (schema v5); {@link Directory#masks()} hands it out.
 *
 * <p>The local part is the label, a dot and {@value #RANDOM_LETTERS} letters of a 32-letter alphabet
 * (50 bits from {@link SecureRandom}): the label tells the owner where the address was given, the
 * random part stops a sender from guessing the owner's other masks. A mask lives in its owner's domain
 * and goes away with its owner.
 *
 * <p>The router consults {@link #lookup} before aliases: an enabled mask delivers to its owner, a
 * switched-off one is an unknown address ({@code 550 5.1.1} at RCPT TO, RFC 3463), and never falls
 * through to the domain's catch-all.
 */
public final class Masks {
  /** How many masks one user may have. */
  public static final int MAX_PER_USER = 1000;
  static final int RANDOM_LETTERS = 10;
  private static final int MAX_LABEL = 24;
  /**
   * Made at its first use, not when the class is: a process's first SecureRandom sets up the JDK's
   * security providers (~30 ms), which a server's start then no longer waits for (issue 27).
   */
  private static final class Lazy {
    static final SecureRandom RANDOM = new SecureRandom();
  }
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray(); // 32: 5 bits a letter

  /** One masked address. */
  public record Mask(String address, String owner, String label, boolean enabled, Instant created) {}

  private final DirectoryDb db;
  private final LookupCache cache;

  Masks(DirectoryDb db, LookupCache cache) {
    this.db = db;
    this.cache = cache;
  }

  /**
   * A new enabled mask for the user {@code owner}, labelled {@code label} (letters, digits and dashes;
   * other characters become dashes, letters are lower-cased).
   */
  public Mask create(String owner, String label) throws DirectoryException {
    Address o = Address.parse(owner);
    String l = normaliseLabel(label);
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return db.write("add a masked address for " + o, () -> {
      if (!db.exists("SELECT 1 FROM users WHERE address = ?", o.toString())) {
        throw new DirectoryException("user " + o + " does not exist");
      }
      if (db.strings("SELECT address FROM masks WHERE owner = ?", o.toString()).size() >= MAX_PER_USER) {
        throw new DirectoryException(o + " already has " + MAX_PER_USER + " masked addresses; remove some first");
      }
      for (int attempt = 0; ; attempt++) {
        String address = l + "." + randomLetters() + "@" + o.domain();
        boolean taken = db.exists("SELECT 1 FROM masks WHERE address = ?", address)
            || db.exists("SELECT 1 FROM users WHERE address = ?", address)
            || db.exists("SELECT 1 FROM aliases WHERE address = ?", address);
        if (!taken) {
          db.update("INSERT INTO masks(address, owner, label, enabled, created) VALUES (?, ?, ?, 1, ?)",
              address, o.toString(), l, now.toString());
          return new Mask(address, o.toString(), l, true, now);
        }
        if (attempt > 5) { // 50 random bits: never in practice
          throw new DirectoryException("cannot find a free masked address for " + o);
        }
      }
    });
  }

  /** The user's masks, newest first. */
  public List<Mask> list(String owner) throws DirectoryException {
    Address o = Address.parse(owner);
    return db.read("list masked addresses of " + o, () -> query(
        "SELECT address, owner, label, enabled, created FROM masks WHERE owner = ? ORDER BY created DESC, address",
        o.toString()));
  }

  /** The mask at {@code address}; empty when it is none (or not an address at all). */
  public Optional<Mask> lookup(String address) throws DirectoryException {
    Optional<Address> a = Directory.lenient(address);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String key = a.get().toString();
    return cache.get("m " + key, () -> db.read("look up masked address " + key, () -> query(
        "SELECT address, owner, label, enabled, created FROM masks WHERE address = ?", key)
        .stream().findFirst()), Optional::isEmpty);
  }

  /** Switches a mask on or off; returns it as it is now. */
  public Mask setEnabled(String address, boolean enabled) throws DirectoryException {
    Address a = Address.parse(address);
    db.write((enabled ? "enable " : "disable ") + a, () -> {
      if (db.update("UPDATE masks SET enabled = ? WHERE address = ?", enabled ? 1 : 0, a.toString()) == 0) {
        throw noMask(a);
      }
      return null;
    });
    return lookup(a.toString()).orElseThrow(() -> noMask(a));
  }

  /** Removes a mask for good: mail to it is refused like mail to any unknown address. */
  public void remove(String address) throws DirectoryException {
    Address a = Address.parse(address);
    db.write("remove masked address " + a, () -> {
      if (db.update("DELETE FROM masks WHERE address = ?", a.toString()) == 0) {
        throw noMask(a);
      }
      return null;
    });
  }

  /** The label as it goes into the address, or a one-line error. */
  static String normaliseLabel(String label) throws DirectoryException {
    String l = label == null ? "" : label.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
        .replaceAll("^-+|-+$", "");
    if (l.isEmpty()) {
      throw new DirectoryException("a masked address needs a label of letters or digits, e.g. --label shop");
    }
    return l.length() > MAX_LABEL ? l.substring(0, MAX_LABEL).replaceAll("-+$", "") : l;
  }

  private List<Mask> query(String sql, String arg) throws SQLException {
    List<Mask> out = new ArrayList<>();
    try (PreparedStatement ps = db.prepare(sql, arg); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Mask(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
            Instant.parse(rs.getString(5))));
      }
    }
    return out;
  }

  private static DirectoryException noMask(Address a) {
    return new DirectoryException(a + " is no masked address");
  }

  private static String randomLetters() {
    char[] c = new char[RANDOM_LETTERS];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALPHABET[Lazy.RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }
}
