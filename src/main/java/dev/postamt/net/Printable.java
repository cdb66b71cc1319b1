package dev.postamt.net;

import java.util.Locale;

/** Client input made safe to echo in a reply or a log line. */
public final class Printable {
  private Printable() {}

  /** Control characters and non-ASCII shown as {@code \\uXXXX}, at most 64 characters, then "...". */
  public static String of(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (b.length() >= 64) {
        b.append("...");
        break;
      }
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
    return b.toString();
  }
}
