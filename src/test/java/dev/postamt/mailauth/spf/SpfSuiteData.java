package dev.postamt.mailauth.spf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The openspf.org YAML test suites (test resources, copied from /work/shared/testdata/spf): one
 * document per scenario with {@code zonedata} and {@code tests}.
 */
final class SpfSuiteData {
  /** One DNS entry of a name, in file order: a type and value, or the TIMEOUT marker (type "TIMEOUT"). */
  record Entry(String type, Object value) {}

  record Case(
      String suite, String scenario, String name, String host, String mailFrom, String helo, List<String> results, String explanation) {
    String id() {
      return suite + " / " + scenario + " / " + name;
    }
  }

  record Scenario(String suite, String description, Map<String, List<Entry>> zone, List<Case> cases) {}

  private SpfSuiteData() {}

  static List<Scenario> load(String file) {
    String suite = file.replace("-tests.yml", "");
    List<Scenario> out = new ArrayList<>();
    try (InputStream in = SpfSuiteData.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + file + " missing");
      }
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      for (Object doc : yaml.loadAll(in)) {
        if (doc instanceof Map<?, ?> m) {
          out.add(scenario(suite, m));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Scenario scenario(String suite, Map<?, ?> doc) {
    String description = String.valueOf(doc.get("description"));
    Map<String, List<Entry>> zone = new LinkedHashMap<>();
    if (doc.get("zonedata") instanceof Map<?, ?> zd) {
      for (var e : zd.entrySet()) {
        zone.put(String.valueOf(e.getKey()), entries(e.getValue()));
      }
    }
    List<Case> cases = new ArrayList<>();
    for (var e : ((Map<?, ?>) doc.get("tests")).entrySet()) {
      Map<?, ?> t = (Map<?, ?>) e.getValue();
      Object r = t.get("result");
      List<String> results = r instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(r));
      cases.add(
          new Case(
              suite,
              description,
              String.valueOf(e.getKey()),
              String.valueOf(t.get("host")),
              t.get("mailfrom") == null ? "" : String.valueOf(t.get("mailfrom")),
              t.get("helo") == null ? "" : String.valueOf(t.get("helo")),
              results,
              t.get("explanation") == null ? null : String.valueOf(t.get("explanation"))));
    }
    return new Scenario(suite, description, zone, cases);
  }

  /**
   * Like the reference driver (pyspf testspf.py getrdata): a name without any TXT entry gets each of
   * its SPF entries again as TXT, after everything else; "TXT: NONE" only suppresses that.
   */
  private static List<Entry> entries(Object list) {
    List<Entry> out = new ArrayList<>();
    List<Entry> generated = new ArrayList<>();
    boolean generate = true;
    for (Object o : list == null ? List.of() : (List<?>) list) {
      if (!(o instanceof Map<?, ?> m)) {
        out.add(new Entry(String.valueOf(o), null));
        continue;
      }
      for (var kv : m.entrySet()) {
        String type = String.valueOf(kv.getKey());
        Object v = kv.getValue();
        if (type.equals("TXT")) {
          generate = false;
        } else if (type.equals("SPF") && generate) {
          generated.add(new Entry("TXT", v));
        }
        if (!"NONE".equals(v)) {
          out.add(new Entry(type, v));
        }
      }
    }
    if (generate) {
      out.addAll(generated);
    }
    return out;
  }

  /** TXT/SPF data: one string, or a list of strings that form one record. */
  static List<String> strings(Object value) {
    if (value instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }
}
