package dev.postamt.directory;

import java.util.Optional;

/**
 * What a mail-access protocol (IMAP, POP3) needs to log a user in: a password check for LOGIN, USER/PASS
 * and SASL PLAIN, and the stored SCRAM-SHA-256 credentials for SASL SCRAM-SHA-256. {@link Directory} is
 * the production implementation; tests pass a lambda, which has no SCRAM credentials (every SCRAM
 * exchange then fails as for an unknown user).
 */
@FunctionalInterface
public interface LoginCheck {
  /** The canonical address (the mail store key) when the password is right. */
  Optional<String> authenticate(String username, char[] password) throws Exception;

  /**
   * The canonical address and SCRAM credentials of {@code username} (any letter case), or empty when
   * the user does not exist or has no SCRAM credentials yet (added with only a password hash).
   */
  default Optional<ScramLogin> scramLogin(String username) throws DirectoryException {
    return Optional.empty();
  }

  /** A user as SCRAM sees them: the address to log in as, and what checks the proof. */
  record ScramLogin(String address, ScramCredentials credentials) {}
}
