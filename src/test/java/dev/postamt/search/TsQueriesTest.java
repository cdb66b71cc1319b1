package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** JMAP word queries as tsquery text: every construct of the search box translates, or none does. */
class TsQueriesTest {
  @Test
  void searchBoxConstructsTranslateToLexemesOfTheirFields() {
    for (String text : java.util.List.of("müller", "\"fünf äpfel\"", "zebra -okapi", "okapi | quokka", "quok*")) {
      var q = WordQuery.parse("subject", text);
      assertThat(TsQueries.of(q)).as(text + " from " + q + " " + q.getClass()).isPresent();
    }
    String t = TsQueries.of(WordQuery.parse("subject", "müller")).orElseThrow().text();
    assertThat(t).contains("'w4:muller'").contains("'w4:muller':*").contains("'s4:");
    TsQueries.TsQuery p = TsQueries.of(WordQuery.parse("body", "\"fünf äpfel\"")).orElseThrow();
    assertThat(p.phrase()).isTrue();
    assertThat(p.text()).contains("'w5:funf' <1> 'w5:apfel'");
    assertThat(TsQueries.of(WordQuery.parse("text", "zebra -okapi")).orElseThrow().text()).contains("& !");
    assertThat(TsQueries.of(WordQuery.parse("text", "word~2"))).as("fuzzy: left to the scan").isEmpty();
  }
}
