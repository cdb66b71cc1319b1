package dev.postamt.store;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a user's mail lives under {@code data_dir}: {@code mail/<domain>/<localpart>/} is the user's home
 * (it may hold {@code .forward} and, later, {@code sieve/}), and {@code Maildir/} inside it is a
 * Maildir++ store that mutt, Dovecot or rsync can read directly.
 */
public final class MailboxLayout {
  private MailboxLayout() {}

  public static Path home(Path dataDir, String address) {
    String a = address.toLowerCase(Locale.ROOT);
    int at = a.lastIndexOf('@');
    String local = at < 0 ? a : a.substring(0, at);
    String domain = at < 0 ? "localhost" : a.substring(at + 1);
    return dataDir.resolve("mail").resolve(safe(domain)).resolve(safe(local));
  }

  public static Path maildir(Path dataDir, String address) {
    return home(dataDir, address).resolve("Maildir");
  }

  /** Keeps a path component from escaping its parent ("..", "/", NUL). */
  static String safe(String s) {
    if (s.isEmpty() || s.equals(".") || s.equals("..")) {
      return "_" + s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c == '/' || c == '\\' || c == 0 ? '_' : c);
    }
    return b.toString();
  }
}
