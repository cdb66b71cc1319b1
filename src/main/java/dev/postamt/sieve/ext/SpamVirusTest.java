package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import java.util.List;
import java.util.OptionalDouble;

/**
 * RFC 5235 "spamtest", "spamtestplus" and "virustest": the filter's verdict as a number to compare with
 * {@code :value "ge" :comparator "i;ascii-numeric"}. Without a verdict from the environment the value is
 * "0", "not tested" (§3.1, §3.3).
 */
public final class SpamVirusTest {
  private SpamVirusTest() {}

  public static List<SieveExtension> extensions() {
    Signature spam = Signature.builder().tags(Signature.MATCH_TAGS).tag(TagSpec.flag("percent", "spamtestplus"))
        .arg(Type.STRING, "value").build();
    Signature virus = Signature.builder().tags(Signature.MATCH_TAGS).arg(Type.STRING, "value").build();
    SieveExtension spamtest = SieveExtension.of("spamtest", test("spamtest", spam, (x, n) -> {
      OptionalDouble score = x.environment().spamScore();
      String v;
      if (score.isEmpty()) {
        v = "0";
      } else if (n.has("percent")) {
        v = Long.toString((long) (Math.max(0, Math.min(1, score.getAsDouble())) * 100 + 1e-9));
      } else {
        // 1 (certainly not spam) .. 10 (certainly spam), RFC 5235 §3.2
        v = Long.toString(1 + (long) (Math.max(0, Math.min(1, score.getAsDouble())) * 9 + 1e-9));
      }
      return n.match().matches(x, List.of(v), List.of(n.string(0)));
    }));
    SieveExtension plus = SieveExtension.implying("spamtestplus", "spamtest");
    SieveExtension virustest = SieveExtension.of("virustest", test("virustest", virus, (x, n) -> {
      int v = Math.max(0, Math.min(5, x.environment().virusVerdict()));
      return n.match().matches(x, List.of(Integer.toString(v)), List.of(n.string(0)));
    }));
    return List.of(spamtest, plus, virustest);
  }
}
