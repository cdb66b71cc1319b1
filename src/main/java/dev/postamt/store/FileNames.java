package dev.postamt.store;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Whether a name can be part of a file name here. The JVM encodes file names with the character set of
 * the locale it started in ({@code sun.jnu.encoding}), not with UTF-8: started without a locale (no
 * {@code LANG}: containers, cron, {@code env -i}, some service managers) that is ASCII, and a Maildir
 * folder such as {@code .Entwürfe} cannot be made at all ({@code InvalidPathException}). The launcher,
 * the admin command and the systemd unit start the JVM with a UTF-8 locale; a JVM started otherwise
 * refuses such names with {@link #WHY} instead of failing inside, and the server says so at its start.
 */
public final class FileNames {
  private FileNames() {}

  /** The character set the JVM encodes file names with. */
  public static final Charset CHARSET = charset();

  /** Why a name is refused, for the protocols' replies and the log. */
  public static final String WHY = "the server's file names are in " + CHARSET.name()
      + " (the locale it was started in), not UTF-8; start it with LC_ALL=C.UTF-8";

  /** Whether file names here can hold any Unicode name. */
  public static boolean unicode() {
    return CHARSET.equals(StandardCharsets.UTF_8);
  }

  /** Whether {@code name} can be written in a file name here. */
  public static boolean canName(String name) {
    return unicode() || CHARSET.newEncoder().canEncode(name);
  }

  private static Charset charset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
