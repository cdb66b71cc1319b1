package dev.postamt.sieve.ext;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.SieveExtension;
import java.util.List;

/** RFC 5260 §6 "index": {@code :index N [:last]} picks one occurrence of a header field. */
public final class Index {
  private Index() {}

  public static SieveExtension extension() {
    return SieveExtension.of("index");
  }

  static void check(Checker c, CompiledNode n) {
    if (n.has("last") && !n.has("index")) {
      c.error(n.tagAt("last"), "the :last tag for " + n.def().describe() + " requires the :index tag");
    }
    if (n.has("index") && n.tagNumber("index", 1) < 1) {
      c.error(n.tagAt("index"), "the :index tag for " + n.def().describe() + " requires a positive number");
    }
  }

  /** The one value chosen by :index/:last, or all values without them. */
  static List<String> select(CompiledNode n, List<String> values) {
    if (!n.has("index")) {
      return values;
    }
    long i = n.tagNumber("index", 1);
    if (i > values.size()) {
      return List.of();
    }
    int at = (int) (n.has("last") ? values.size() - i : i - 1);
    return List.of(values.get(at));
  }
}
