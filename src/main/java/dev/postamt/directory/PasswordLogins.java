package dev.postamt.directory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password and SCRAM logins against the {@code users} table: the Argon2id check (with the same work for
 * an unknown user, so response times do not tell which addresses exist), app passwords as a fallback,
 * the cache of recent verifications, and the two upgrades that can only happen at a login because only
 * then is the password known (a re-hash with today's parameters, SCRAM credentials for a user who had
 * none). Apart from {@link Directory}, which hands these out, because it is the one part of the
 * directory that handles secrets and runs outside any transaction.
 */
final class PasswordLogins {
  /** Logs under {@link Directory}, as these lines always have. */
  private static final Logger log = LoggerFactory.getLogger(Directory.class);

  private final DirectoryDb db;
  private final AccountSecurity security;
  private volatile VerifiedLogins verifiedLogins = VerifiedLogins.OFF;

  PasswordLogins(DirectoryDb db, AccountSecurity security) {
    this.db = db;
    this.security = security;
  }

  /** See {@link Directory#cacheVerifiedLogins}. */
  void cacheVerifiedLogins(java.time.Duration ttl) {
    verifiedLogins = ttl.isZero() ? VerifiedLogins.OFF : new VerifiedLogins(ttl, 10_000);
  }

  /** The account password or an app password: see {@link Directory#authenticate}. */
  Optional<String> authenticate(String username, char[] password) throws DirectoryException {
    return authenticate(username, password, true);
  }

  /** The account password only: see {@link Directory#authenticateAccount}. */
  Optional<String> authenticateAccount(String username, char[] password) throws DirectoryException {
    return authenticate(username, password, false);
  }

  /**
   * The user's canonical address when the password (or, with {@code appPasswords}, one of the user's
   * app passwords) is right and the account is not disabled. An unknown user costs the same Argon2
   * work as a wrong password, so response times do not tell which addresses exist.
   */
  private Optional<String> authenticate(String username, char[] password, boolean appPasswords) throws DirectoryException {
    Optional<Address> a = Directory.lenient(username);
    String[] row =
        a.isEmpty()
            ? null
            : db.read("authenticate " + a.get(), () -> {
              try (PreparedStatement ps = db.prepare("SELECT password, disabled FROM users WHERE address = ?", a.get().toString());
                  ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getInt(2) == 1 ? "disabled" : ""} : null;
              }
            });
    if (row == null || password == null || !row[1].isEmpty()) {
      PasswordHash.verifyDummy(password == null ? new char[0] : password);
      return Optional.empty();
    }
    String stored = row[0];
    String user = a.get().toString();
    if (verifiedLogins.matches(user, stored, password)) {
      return Optional.of(user); // verified with this very hash lately: no second Argon2 run
    }
    if (!PasswordHash.verify(password, stored)) {
      return appPasswords && security.checkAppPassword(user, password) ? Optional.of(user) : Optional.empty();
    }
    verifiedLogins.remember(user, stored, password);
    if (PasswordHash.needsRehash(stored)) {
      upgradeHash(user, stored, password);
    }
    fillScram(user, password);
    return Optional.of(user);
  }

  /** See {@link Directory#scramCredentials}. */
  Optional<ScramCredentials> scramCredentials(String username) throws DirectoryException {
    return scramLogin(username).map(LoginCheck.ScramLogin::credentials);
  }

  Optional<LoginCheck.ScramLogin> scramLogin(String username) throws DirectoryException {
    Optional<Address> a = Directory.lenient(username);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String user = a.get().toString();
    String s = db.read("look up SCRAM credentials of " + user,
        () -> db.string("SELECT scram FROM users WHERE address = ? AND disabled = 0", user));
    return Optional.ofNullable(ScramCredentials.decode(s)).map(c -> new LoginCheck.ScramLogin(user, c));
  }

  /** Derives SCRAM credentials for a user who has none yet, at the one moment the password is known. */
  private void fillScram(String user, char[] password) {
    try {
      String have = db.read("look up SCRAM credentials of " + user, () -> db.string("SELECT scram FROM users WHERE address = ?", user));
      if (have != null) {
        return;
      }
      String fresh = ScramCredentials.derive(password).encode();
      db.writeUncached("store SCRAM credentials of " + user, () -> db.update("UPDATE users SET scram = ? WHERE address = ? AND scram IS NULL", fresh, user));
    } catch (DirectoryException e) {
      log.warn("could not store SCRAM credentials of {}: {}", user, e.getMessage());
    }
  }

  /** Re-hashes with today's parameters after a successful login; the only moment we know the password. */
  private void upgradeHash(String user, String old, char[] password) {
    String fresh = PasswordHash.hash(password);
    try {
      db.writeUncached("upgrade password hash of " + user, () ->
          db.update("UPDATE users SET password = ? WHERE address = ? AND password = ?", fresh, user, old));
    } catch (DirectoryException e) {
      log.warn("could not upgrade the password hash of {}: {}", user, e.getMessage());
    }
  }
}
