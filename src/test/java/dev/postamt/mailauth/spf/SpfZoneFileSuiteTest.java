package dev.postamt.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.mailauth.spf.SpfSuiteData.Case;
import dev.postamt.mailauth.spf.SpfSuiteData.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The RFC 7208 suite again, with each scenario's DNS written out as a zone file and answered by
 * {@link ZoneFileResolver}: proves the zone-file path is faithful (odd names, quotes, backslashes,
 * empty, long and multi-string TXT, SPF in text and RFC 3597 form). Cases that hit a TIMEOUT entry
 * cannot be expressed in a zone file and are skipped.
 */
class SpfZoneFileSuiteTest {

  @TestFactory
  Stream<DynamicTest> rfc7208ThroughZoneFiles() throws Exception {
    return tests("rfc7208-tests.yml");
  }

  @TestFactory
  Stream<DynamicTest> rfc4408ThroughZoneFiles() throws Exception {
    return tests("rfc4408-tests.yml");
  }

  private static Stream<DynamicTest> tests(String file) throws Exception {
    List<DynamicTest> out = new ArrayList<>();
    List<Scenario> scenarios = SpfSuiteData.load(file);
    for (int i = 0; i < scenarios.size(); i++) {
      Scenario s = scenarios.get(i);
      String text = SpfZoneText.of(s.zone(), i % 2 == 1);
      ZoneFileResolver zone = ZoneFileResolver.parse(text);
      for (Case c : s.cases()) {
        out.add(DynamicTest.dynamicTest(c.id(), () -> check(s, c, zone, text)));
      }
    }
    return out.stream();
  }

  private static void check(Scenario s, Case c, ZoneFileResolver zone, String text) {
    ScenarioResolver memory = new ScenarioResolver(s.zone());
    SpfResult expected = SpfSuiteTest.check(c, memory);
    Assumptions.assumeFalse(memory.timedOut(), "uses a TIMEOUT entry, which a zone file cannot express");
    SpfResult got = SpfSuiteTest.check(c, zone);
    SpfSuiteTest.verify(c, got);
    assertThat(got.result()).as(c.id() + " same as in memory; zone:\n" + text).isEqualTo(expected.result());
    assertThat(got.explanation()).as(c.id() + " explanation").isEqualTo(expected.explanation());
  }
}
