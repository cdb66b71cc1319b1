package dev.postamt.jmap;

import dev.postamt.store.Flags;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Email keywords (RFC 8621 §4.1.1) and IMAP flags are one set in the store: {@code $seen}, {@code
 * $flagged}, {@code $answered} and {@code $draft} are the IMAP system flags, other keywords are IMAP
 * keywords, compared without regard to case and shown in lower case. {@code \Deleted} has no JMAP
 * keyword and is neither shown nor changed here.
 */
final class Keywords {
  private Keywords() {}

  private static final Map<String, String> SYSTEM = Map.of(
      "$seen", Flags.SEEN, "$flagged", Flags.FLAGGED, "$answered", Flags.ANSWERED, "$draft", Flags.DRAFT);

  static Map<String, Object> of(Set<String> flags) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String f : flags) {
      String k = keyword(f);
      if (k != null) {
        out.put(k, true);
      }
    }
    return out;
  }

  /** The keyword of a store flag, or null when it has none ({@code \Deleted}, {@code \Recent}). */
  static String keyword(String flag) {
    if (flag.startsWith("\\")) {
      for (Map.Entry<String, String> e : SYSTEM.entrySet()) {
        if (e.getValue().equalsIgnoreCase(flag)) {
          return e.getKey();
        }
      }
      return null;
    }
    return flag.toLowerCase(Locale.ROOT);
  }

  /** The store flag of a keyword. */
  static String flag(String keyword) {
    String k = keyword.toLowerCase(Locale.ROOT);
    return SYSTEM.getOrDefault(k, k);
  }

  /**
   * Whether a keyword may be stored: RFC 8621 §4.1.1 (1–255 of %x21–%x7E without {@code ( ) { ] % * "
   * \}), which also makes it a valid IMAP flag keyword (RFC 3501 atom).
   */
  static boolean valid(String k) {
    if (k.isEmpty() || k.length() > 255) {
      return false;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c < 0x21 || c > 0x7e || "(){]%*\"\\".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }
}
