package dev.postamt.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields column of the trail: a flat JSON object of strings (RFC 8259), written and read here so
 * that the row is readable with {@code sqlite3 … json_extract} too. Only what {@link #write} produces is
 * read back; anything else gives an empty map rather than an error, so a damaged row never hides the
 * rest of a trail.
 */
final class FieldsJson {
  private FieldsJson() {}

  static String write(Map<String, String> fields) {
    StringBuilder b = new StringBuilder(128).append('{');
    for (var e : fields.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      string(b, e.getKey());
      b.append(':');
      string(b, e.getValue());
    }
    return b.append('}').toString();
  }

  /** {@code s} quoted; runs of characters that need no escape are appended whole (the trail writes eight rows a message). */
  private static void string(StringBuilder b, String s) {
    b.append('"');
    int plain = 0; // the start of the run not yet appended
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      b.append(s, plain, i);
      plain = i + 1;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          b.append(String.format("\\u%04x", (int) c)); // below 0x20: the plain ones were skipped above
        }
      }
    }
    b.append(s, plain, s.length()).append('"');
  }

  static Map<String, String> read(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json == null) {
      return out;
    }
    int[] pos = {0};
    try {
      expect(json, pos, '{');
      skipSpace(json, pos);
      if (json.charAt(pos[0]) == '}') {
        return out;
      }
      while (true) {
        String k = string(json, pos);
        expect(json, pos, ':');
        String v = string(json, pos);
        out.put(k, v);
        skipSpace(json, pos);
        char c = json.charAt(pos[0]++);
        if (c == '}') {
          return out;
        }
        if (c != ',') {
          return Map.of();
        }
      }
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  private static void skipSpace(String s, int[] pos) {
    while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
      pos[0]++;
    }
  }

  private static void expect(String s, int[] pos, char c) {
    skipSpace(s, pos);
    if (s.charAt(pos[0]++) != c) {
      throw new IllegalArgumentException("expected " + c);
    }
  }

  private static String string(String s, int[] pos) {
    expect(s, pos, '"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = s.charAt(pos[0]++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(pos[0]++);
      switch (e) {
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(pos[0], pos[0] + 4), 16));
          pos[0] += 4;
        }
        default -> b.append(e);
      }
    }
  }
}
