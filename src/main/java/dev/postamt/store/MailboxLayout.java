package dev.postamt.store;

import java.nio.file.Path;

/**
 * Where the default backend keeps a user's mail: {@code Maildir/} in the user's {@link UserHome}, a
 * Maildir++ store that mutt, Dovecot or rsync can read directly, and {@code index.db} next to it. Only
 * the store (and tests that look at the files) use it; everyone else goes through {@link MailStore}.
 */
public final class MailboxLayout {
  private MailboxLayout() {}

  public static Path home(Path dataDir, String address) {
    return UserHome.of(dataDir, address);
  }

  public static Path maildir(Path dataDir, String address) {
    return home(dataDir, address).resolve("Maildir");
  }

  static Path index(Path dataDir, String address) {
    return home(dataDir, address).resolve("index.db");
  }

  /** The user's Maildir under the mail directory {@code mailRoot} ({@code [store] mail_dir}). */
  static Path maildirIn(Path mailRoot, String address) {
    return UserHome.in(mailRoot, address).resolve("Maildir");
  }

  static Path indexIn(Path mailRoot, String address) {
    return UserHome.in(mailRoot, address).resolve("index.db");
  }
}
