package dev.postamt.mailauth.arc;

import dev.postamt.mailauth.FakeResolver;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Reads the ValiMail ARC test suite (YAML, several documents per file). */
final class ArcSuite {
  static final Path ROOT = dev.postamt.mailauth.TestData.dir("arc");

  /** One test: its document's fake DNS and its own fields. */
  record Case(String name, Map<String, Object> fields, Map<String, Object> document) {
    String text(String key) {
      Object v = fields.get(key);
      return v == null ? "" : v.toString();
    }

    /** The message with CRLF line ends, as on the wire. */
    byte[] message() {
      return crlf(text("message")).getBytes(StandardCharsets.UTF_8);
    }

    FakeResolver dns() {
      FakeResolver r = new FakeResolver();
      @SuppressWarnings("unchecked")
      Map<String, Object> txt = (Map<String, Object>) document.getOrDefault("txt-records", Map.of());
      for (Map.Entry<String, Object> e : txt.entrySet()) {
        r.txt(e.getKey(), e.getValue().toString().replace("\n", "").strip());
      }
      return r;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static String crlf(String s) {
    return s.replace("\r\n", "\n").replace("\n", "\r\n");
  }

  @SuppressWarnings("unchecked")
  static List<Case> load(String file) throws IOException {
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(true); // the suite repeats a few test names; the last one wins
    List<Case> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(ROOT.resolve(file), StandardCharsets.UTF_8)) {
      for (Object doc : new Yaml(opts).loadAll(r)) {
        Map<String, Object> d = (Map<String, Object>) doc;
        Map<String, Object> tests = (Map<String, Object>) d.get("tests");
        for (Map.Entry<String, Object> t : tests.entrySet()) {
          out.add(new Case(t.getKey(), (Map<String, Object>) t.getValue(), d));
        }
      }
    }
    return out;
  }

  private ArcSuite() {}
}
