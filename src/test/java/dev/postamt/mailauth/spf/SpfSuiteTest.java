package dev.postamt.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.spf.SpfSuiteData.Case;
import dev.postamt.mailauth.spf.SpfSuiteData.Scenario;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The RFC 7208 test suite, every case, against an in-memory resolver built from each scenario's
 * zonedata; and the older RFC 4408 suite. Where RFC 7208 changed an answer, the RFC 4408 suite
 * already lists both results as acceptable, so no case needs to be left out.
 */
class SpfSuiteTest {

  @TestFactory
  Stream<DynamicTest> rfc7208() {
    return tests("rfc7208-tests.yml");
  }

  @TestFactory
  Stream<DynamicTest> rfc4408() {
    return tests("rfc4408-tests.yml");
  }

  @Test
  void suitesAreComplete() {
    // Guards against a loader that silently drops scenarios: counts as in the suite files.
    assertThat(cases("rfc7208-tests.yml")).hasSize(count("rfc7208-tests.yml"));
    assertThat(SpfSuiteData.load("rfc7208-tests.yml")).hasSize(16);
    assertThat(SpfSuiteData.load("rfc4408-tests.yml")).hasSize(15);
  }

  static List<Case> cases(String file) {
    return SpfSuiteData.load(file).stream().flatMap(s -> s.cases().stream()).toList();
  }

  private static int count(String file) {
    // Each case names a result; counting "result:" lines is independent of the YAML loader.
    try (var in = SpfSuiteTest.class.getResourceAsStream(file)) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return (int) text.lines().filter(l -> l.matches("\\s+result:.*")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Stream<DynamicTest> tests(String file) {
    return SpfSuiteData.load(file).stream()
        .flatMap(
            (Scenario s) ->
                s.cases().stream()
                    .map(c -> DynamicTest.dynamicTest(c.id(), () -> verify(c, check(c, new ScenarioResolver(s.zone()))))));
  }

  static SpfResult check(Case c, Resolver dns) {
    return new SpfVerifier(dns, "receiver.example").check(InetAddress.ofLiteral(c.host()), c.mailFrom(), c.helo());
  }

  /** Several results may be acceptable; "DEFAULT" as explanation means the domain gave none. */
  static void verify(Case c, SpfResult r) {
    assertThat(r.result().keyword()).as(c.id() + " (" + r.reason() + ")").isIn(c.results());
    if (c.explanation() != null) {
      String got = r.explanation().orElse("DEFAULT");
      assertThat(got).as(c.id() + " explanation").isEqualTo(c.explanation());
    }
  }
}
