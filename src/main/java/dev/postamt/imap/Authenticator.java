package dev.postamt.imap;

import java.util.Optional;

/**
 * Checks a user name and password; the server wires {@code Directory::authenticate}, tests a fake.
 * Returns the canonical address (the mail store key) when the password is right.
 */
@FunctionalInterface
public interface Authenticator {
  Optional<String> authenticate(String username, char[] password) throws Exception;
}
