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
    StringBuilder b = new StringBuilder("{");
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

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
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
