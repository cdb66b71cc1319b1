package dev.postamt.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of an {@code application/x-www-form-urlencoded} body (or a query string), in order. */
public final class Form {
  private final Map<String, List<String>> fields;

  private Form(Map<String, List<String>> fields) {
    this.fields = fields;
  }

  /** Parses {@code a=1&b=2}; a field without {@code =} has the empty value. Malformed escapes throw IllegalArgumentException. */
  public static Form parse(String encoded) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (encoded != null && !encoded.isEmpty()) {
      for (String pair : encoded.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    return new Form(m);
  }

  /** The first value of {@code name}, stripped of surrounding white space; empty string when absent. */
  public String get(String name) {
    List<String> v = fields.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0).strip();
  }

  /** The first value of {@code name} exactly as sent (passwords, script text); empty string when absent. */
  public String raw(String name) {
    List<String> v = fields.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  /** Every value of {@code name}. */
  public List<String> all(String name) {
    return fields.getOrDefault(name, List.of());
  }

  public boolean has(String name) {
    return fields.containsKey(name);
  }
}
