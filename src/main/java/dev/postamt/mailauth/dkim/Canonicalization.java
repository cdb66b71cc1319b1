package dev.postamt.mailauth.dkim;

import java.util.Locale;

/** The two canonicalization algorithms of RFC 6376 §3.4, for header fields; bodies use {@link BodyHasher}. */
public enum Canonicalization {
  SIMPLE,
  RELAXED;

  public static Canonicalization parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "simple" -> SIMPLE;
      case "relaxed" -> RELAXED;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Canonicalizes one raw header field (name, colon, value with folds, final CRLF). Simple keeps it
   * byte for byte (§3.4.1). Relaxed (§3.4.2) lower-cases the name, unfolds, turns each run of white
   * space into one space, drops white space at the end of the value and around the colon.
   */
  public String header(String raw) {
    if (this == SIMPLE) {
      return raw;
    }
    int colon = raw.indexOf(':');
    String name = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(raw.length());
    sb.append(name).append(':');
    boolean space = false;
    boolean started = false;
    for (int i = colon + 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\r' || c == '\n') {
        continue; // unfolding: CRLF is removed, the white space after it stays (and is reduced)
      }
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && started) {
        sb.append(' ');
      }
      space = false;
      started = true;
      sb.append(c);
    }
    return sb.append("\r\n").toString();
  }

  /** The header and body algorithms as written in c=, e.g. {@code relaxed/simple}. */
  public static String tag(Canonicalization header, Canonicalization body) {
    return header + "/" + body;
  }
}
