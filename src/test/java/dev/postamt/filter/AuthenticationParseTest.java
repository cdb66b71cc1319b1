package dev.postamt.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our Authentication-Results field read without a regex for ASCII text ({@link Authentication#method},
 * {@link Authentication#prop}): the same as the patterns on random strings over the characters that
 * matter, and on the field as the server writes it. Also {@link Verdict#sorted}, the symbols' order
 * without a stream.
 */
class AuthenticationParseTest {
  private static final String[] PIECES = {"a", "Z", "x", ".", "-", "=", ";", "(", ")", " ", "\t", "\r\n", "_", "0", "@",
      "smtp", "mailfrom", "smtp.mailfrom", "header.d", "HEADER.FROM", "header.from", "spf", "dkim", "=pass", "x-"};

  private static String random(Random r, int max) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      b.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  @Test
  void methodAndPropertiesAsThePatterns() {
    Random r = new Random(8601);
    for (int i = 0; i < 50_000; i++) {
      String s = random(r, 14);
      assertThat(Authentication.method(s)).as("method of [%s]", s).isEqualTo(Authentication.methodByPattern(s));
      for (String name : List.of("smtp.mailfrom", "smtp.helo", "header.d", "header.from")) {
        assertThat(Authentication.prop(s, name, true)).as("%s of [%s]", name, s)
            .isEqualTo(Authentication.prop(s, name, false));
      }
    }
  }

  @Test
  void ourFieldAsTheServerWritesIt() {
    String field = "pa.bench.test;\r\n\tspf=none smtp.mailfrom=bench@client.bench.test;\r\n\tdkim=pass header.d=Example.ORG"
        + " header.s=sel;\r\n\tdmarc=none (no DMARC record) header.from=client.bench.test;\r\n\tarc=none;\r\n\t"
        + "iprev=pass policy.iprev=192.0.2.1 (mx.example.org)";
    Authentication a = Authentication.fromHeader(field, "pa.bench.test");
    assertThat(a).isEqualTo(new Authentication("none", "client.bench.test", List.of("example.org"), "none",
        "client.bench.test", "none", "pass", "mx.example.org"));
    assertThat(Authentication.fromHeader(field, "other.test")).isEqualTo(Authentication.NONE);
    // non-ASCII text goes through the patterns
    assertThat(Authentication.fromHeader("pa.test; spf=pass smtp.mailfrom=jörg@example.org", "pa.test").spfDomain())
        .isEqualTo("example.org");
  }

  @Test
  void noneAsEqualsNone() {
    assertThat(Authentication.NONE.none()).isTrue();
    assertThat(new Authentication("none", "", List.of(), "none", "", "none", "none", "").none()).isTrue();
    String[] base = {"none", "", "none", "", "none", "none", ""};
    for (int field = 0; field < 8; field++) {
      String[] f = base.clone();
      List<String> dkim = List.of();
      if (field == 7) {
        dkim = List.of("example.org");
      } else {
        f[field] = "x";
      }
      Authentication a = new Authentication(f[0], f[1], dkim, f[2], f[3], f[4], f[5], f[6]);
      assertThat(a.none()).as("field %d", field).isEqualTo(a.equals(Authentication.NONE)).isFalse();
    }
  }

  @Test
  void symbolsSortedAsTheStreamSortedThem() {
    Random r = new Random(17);
    Comparator<Symbol> order = Comparator.comparingDouble(Symbol::score).reversed().thenComparing(Symbol::name);
    for (int i = 0; i < 2_000; i++) {
      List<Symbol> symbols = new ArrayList<>();
      for (int k = r.nextInt(8); k > 0; k--) {
        symbols.add(new Symbol("S" + r.nextInt(5), r.nextInt(5) - 2 + (r.nextBoolean() ? 0.5 : 0), "r" + k));
      }
      List<Symbol> expected = symbols.stream().sorted(order).toList();
      Verdict v = new Verdict(1, 5, symbols, Verdict.Action.NO_ACTION, false, false, "no", java.time.Duration.ZERO);
      assertThat(v.symbols()).containsExactlyElementsOf(expected);
      assertThat(new Verdict(1, 5, v.symbols(), Verdict.Action.NO_ACTION, false, false, "no",
          java.time.Duration.ZERO).symbols()).containsExactlyElementsOf(expected);
      assertThat(Verdict.sorted(symbols, Comparator.comparing(Symbol::name)))
          .containsExactlyElementsOf(symbols.stream().sorted(Comparator.comparing(Symbol::name)).toList());
    }
  }
}
