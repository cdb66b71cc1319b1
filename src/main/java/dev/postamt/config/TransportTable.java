package dev.postamt.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tomlj.TomlTable;

/**
 * {@code [transport]}: keys are domains (quoted when they contain dots), ".domain" for its subdomains,
 * "*" for everything else; values like Postfix transport(5) entries ({@link TransportRule}).
 */
final class TransportTable {
  private TransportTable() {}

  static Map<String, TransportRule> parse(ConfigReader r) {
    Map<String, TransportRule> transport = new LinkedHashMap<>();
    if (r.toml.contains(r.keyPath("transport")) && !r.toml.isTable(r.keyPath("transport"))) {
      r.error("transport", "must be a table [transport]");
      return Map.of();
    }
    if (!r.toml.isTable(r.keyPath("transport"))) {
      return Map.of();
    }
    TomlTable t = r.toml.getTable(r.keyPath("transport"));
    for (String k : t.keySet()) {
      String key = "transport.\"" + k + "\"";
      if (!(t.get(List.of(k)) instanceof String s)) {
        r.error(key, "must be a string like \"smtp:[host]:port\"");
        continue;
      }
      String domain = k.toLowerCase(Locale.ROOT);
      if (!domain.equals("*") && !domain.matches("\\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        r.error(key, "key must be a domain, \".domain\" or \"*\"");
        continue;
      }
      try {
        transport.put(domain, TransportRule.parse(s));
        r.note("transport.\"" + k + "\"", ConfigReader.quote(s));
      } catch (IllegalArgumentException e) {
        r.error(key, e.getMessage());
      }
    }
    return Map.copyOf(transport);
  }
}
