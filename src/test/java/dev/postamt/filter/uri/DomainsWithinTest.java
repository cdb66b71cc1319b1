package dev.postamt.filter.uri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Domains#within} is "equal, or ends with a dot and the domain", both normalised, on random names. */
class DomainsWithinTest {
  private static final String[] PIECES = {"a", "b", ".", "A", "B", " ", "[", "]", "ipv6:", "example", "com", "."};

  private static String random(Random r) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(7); n > 0; n--) {
      b.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  @Test
  void asTheConcatenation() {
    Random r = new Random(5322);
    for (int i = 0; i < 50_000; i++) {
      String host = random(r);
      String domain = random(r);
      String h = Domains.normalise(host);
      String d = Domains.normalise(domain);
      boolean expected = !d.isEmpty() && (h.equals(d) || h.endsWith("." + d));
      assertThat(Domains.within(host, domain)).as("[%s] within [%s]", host, domain).isEqualTo(expected);
    }
    assertThat(Domains.within("mail.Example.COM.", "example.com")).isTrue();
    assertThat(Domains.within("badexample.com", "example.com")).isFalse();
    assertThat(Domains.within("example.com", "")).isFalse();
  }
}
