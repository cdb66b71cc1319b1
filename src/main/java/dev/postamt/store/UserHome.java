package dev.postamt.store;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A user's home directory under {@code data_dir}: {@code mail/<domain>/<localpart>/}. It holds the
 * user's own files whatever the mail store backend ({@code .forward}, the POP3 size cache, later
 * {@code sieve/}); with the default backend also the {@code Maildir/} and {@code index.db}.
 */
public final class UserHome {
  private UserHome() {}

  /** The home of {@code address} under {@code data_dir/mail}. */
  public static Path of(Path dataDir, String address) {
    return in(dataDir.resolve("mail"), address);
  }

  /** The home of {@code address} where {@code config} keeps mail ({@code [store] mail_dir}). */
  public static Path of(dev.postamt.config.Config config, String address) {
    return in(config.mailDir(), address);
  }

  /** The home of {@code address} under the mail directory {@code mailRoot}: {@code <domain>/<localpart>}. */
  public static Path in(Path mailRoot, String address) {
    String a = address.toLowerCase(Locale.ROOT);
    int at = a.lastIndexOf('@');
    String local = at < 0 ? a : a.substring(0, at);
    String domain = at < 0 ? "localhost" : a.substring(at + 1);
    return mailRoot.resolve(safe(domain)).resolve(safe(local));
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
