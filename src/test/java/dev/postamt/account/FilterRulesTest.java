package dev.postamt.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.account.FilterRules.Action;
import dev.postamt.account.FilterRules.Field;
import dev.postamt.account.FilterRules.Match;
import dev.postamt.account.FilterRules.Rule;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.ext.Extensions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule builder's Sieve: readable, compiling, escaped, and read back only when it is its own. */
class FilterRulesTest {
  private static final List<Rule> RULES = List.of(
      new Rule(Field.SUBJECT, Match.CONTAINS, "[list]", Action.FILEINTO, "Lists"),
      new Rule(Field.FROM, Match.IS, "boss@example.org", Action.FLAG, ""),
      new Rule(Field.TO, Match.CONTAINS, "say \"hi\" \\ back", Action.FORWARD, "me@elsewhere.example"),
      new Rule(Field.SUBJECT, Match.CONTAINS, "Grüße 🎉", Action.FILEINTO, "Familie/Grüße \"quoted\""),
      new Rule(Field.FROM, Match.CONTAINS, "spam", Action.DISCARD, ""));

  @Test
  void writesOneReadableIfPerRuleUnderAHeader() {
    String s = FilterRules.write(RULES);
    assertThat(s).startsWith("# Postamt rules: made by the rule builder")
        .contains("require [\"fileinto\", \"mailbox\", \"imap4flags\", \"copy\"];\n")
        .contains("if header :contains \"subject\" \"[list]\" {\n  fileinto :create \"Lists\";\n}\n")
        .contains("if address :is \"from\" \"boss@example.org\" {\n  addflag \"\\\\Flagged\";\n}\n")
        .contains("if header :contains [\"to\", \"cc\"] \"say \\\"hi\\\" \\\\ back\" {\n  redirect :copy \"me@elsewhere.example\";\n}\n")
        .contains("fileinto :create \"Familie/Grüße \\\"quoted\\\"\";")
        .contains("if header :contains \"from\" \"spam\" {\n  discard;\n}\n");
    assertThat(s.lines().filter(l -> l.startsWith("if ")).count()).isEqualTo(RULES.size());
  }

  @Test
  void whatItWritesCompilesAndReadsBackTheSameRules() throws SieveCompileException {
    String s = FilterRules.write(RULES);
    Extensions.standardCompiler().compile("rules", s);
    assertThat(FilterRules.read(s)).contains(RULES);
    String none = FilterRules.write(List.of());
    Extensions.standardCompiler().compile("none", none);
    assertThat(none).doesNotContain("require");
    assertThat(FilterRules.read(none)).contains(List.of());
  }

  @Test
  void aScriptEditedByHandOrWrittenElsewhereIsNotTheBuilders() {
    String s = FilterRules.write(RULES);
    assertThat(FilterRules.read(s.replace("discard;", "discard;\n  stop;"))).isEmpty();
    assertThat(FilterRules.read(s + "keep;\n")).isEmpty();
    assertThat(FilterRules.read(s.replace("# rule 1", "# my rule"))).isEmpty();
    assertThat(FilterRules.read("require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n  fileinto \"y\";\n}\n")).isEmpty();
    assertThat(FilterRules.read(null)).isEmpty();
  }

  @Test
  void isOnAnAddressFieldComparesTheAddressAndContainsTheWholeHeader() {
    assertThat(FilterRules.write(List.of(new Rule(Field.TO, Match.IS, "me@example.org", Action.DISCARD, ""))))
        .contains("if address :is [\"to\", \"cc\"] \"me@example.org\" {");
    assertThat(FilterRules.write(List.of(new Rule(Field.TO, Match.CONTAINS, "Me", Action.DISCARD, ""))))
        .contains("if header :contains [\"to\", \"cc\"] \"Me\" {");
    assertThat(FilterRules.write(List.of(new Rule(Field.SUBJECT, Match.IS, "Hi", Action.DISCARD, ""))))
        .contains("if header :is \"subject\" \"Hi\" {");
    String s = FilterRules.write(List.of(new Rule(Field.FROM, Match.CONTAINS, "x", Action.DISCARD, "")));
    assertThat(FilterRules.read(s.replace("if header", "if address"))).as("not what the builder writes").isEmpty();
  }

  @Test
  void quotingEscapesBackslashAndQuoteOnly() {
    assertThat(FilterRules.quote("a\"b\\c ü")).isEqualTo("\"a\\\"b\\\\c ü\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "subject|contains|''|fileinto|Lists|text|is empty",
      "subject|contains|x|fileinto|''|argument|folder name is empty",
      "subject|contains|x|fileinto|/abs|argument|does not start",
      "subject|contains|x|forward|not an address|argument|address to forward",
      "subject|contains|x|launch|''|action|Choose what to do",
      "body|contains|x|flag|''|field|Choose what the rule looks at",
      "from|matches|x|flag|''|match|Choose how to compare"})
  void badInputNamesItsField(String field, String match, String text, String action, String argument, String which,
      String message) {
    FilterRules.Parsed p = FilterRules.parse(field, match, text, action, argument);
    assertThat(p).isInstanceOf(FilterRules.Invalid.class);
    assertThat(((FilterRules.Invalid) p).field()).isEqualTo(which);
    assertThat(((FilterRules.Invalid) p).message()).contains(message);
  }

  @Test
  void controlCharactersAndOverlongTextAreRefused() {
    assertThat(FilterRules.parse("subject", "contains", "a\nb", "flag", "")).isInstanceOf(FilterRules.Invalid.class);
    assertThat(FilterRules.parse("subject", "contains", "x".repeat(201), "flag", "")).isInstanceOf(FilterRules.Invalid.class);
    assertThat(FilterRules.parse("subject", "contains", "  ok  ", "flag", "ignored"))
        .isEqualTo(new FilterRules.Valid(new Rule(Field.SUBJECT, Match.CONTAINS, "ok", Action.FLAG, "")));
  }
}
