package dev.postamt.events;

import java.time.Instant;
import java.util.Map;

/**
 * One row of the trail: when, which event (its dotted name, so that rows written by another build still
 * read), the key that ties it to a message, and its fields in the order given.
 */
public record TrailRecord(Instant time, String event, TrailKey key, Map<String, String> fields) {
  public TrailRecord {
    fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
  }

  /** The fields as {@code key=value} words; values with spaces, quotes or {@code =} are quoted. */
  public String fieldText() {
    StringBuilder b = new StringBuilder();
    for (var e : fields.entrySet()) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      appendQuoted(b.append(e.getKey()).append('='), e.getValue());
    }
    return b.toString();
  }

  /** logfmt-style quoting: bare when it is one plain word, else in double quotes with {@code \"} and {@code \\}. */
  static String quoted(String v) {
    return plain(v) ? v : appendQuoted(new StringBuilder(v.length() + 8), v).toString();
  }

  private static boolean plain(String v) {
    boolean plain = !v.isEmpty();
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
    }
    return plain;
  }

  /** {@link #quoted} appended to {@code b} without a String of its own (the log line is built of them). */
  static StringBuilder appendQuoted(StringBuilder b, String v) {
    if (plain(v)) {
      return b.append(v);
    }
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"', '\\' -> b.append('\\').append(c);
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c < ' ' || c == 0x7f ? '?' : c);
      }
    }
    return b.append('"');
  }
}
