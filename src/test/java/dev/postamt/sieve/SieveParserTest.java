package dev.postamt.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.sieve.SyntaxTree.Node;
import dev.postamt.sieve.SyntaxTree.StringList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The grammar of RFC 5228 §8 as tables: script text to tree, or to the first error with its place. */
class SieveParserTest {
  /** A compact rendering of a tree: name(args)[tests]{block}. */
  static String render(List<Node> nodes) {
    return nodes.stream().map(SieveParserTest::render).collect(Collectors.joining(" "));
  }

  static String render(Node n) {
    StringBuilder b = new StringBuilder(n.name());
    for (SyntaxTree.Argument a : n.arguments()) {
      b.append(' ');
      switch (a) {
        case SyntaxTree.Tag t -> b.append(':').append(t.name());
        case SyntaxTree.Number num -> b.append(num.value());
        case StringList l -> b.append(l.values().stream().map(v -> "'" + v.value().replace("\r\n", "~") + "'")
            .collect(Collectors.joining(",", l.bracketed() ? "[" : "", l.bracketed() ? "]" : "")));
      }
    }
    if (!n.tests().isEmpty()) {
      b.append(" (").append(n.tests().stream().map(SieveParserTest::render).collect(Collectors.joining(", "))).append(')');
    }
    if (n.block() != null) {
      b.append(" {").append(render(n.block())).append('}');
    }
    return b.toString();
  }

  static String parse(String script) throws SieveCompileException {
    return render(Parser.parse(script, SieveLimits.DEFAULTS).commands());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      keep;                                        | keep
      KEEP ;                                       | keep
      # comment\\nkeep;                            | keep
      /* a\\n comment */ keep;                     | keep
      fileinto "a\\\\\\"b";                        | fileinto 'a\\"b'
      size :over 1K;                               | size :over 1024
      size :under 2M;                              | size :under 2097152
      size :under 3g;                              | size :under 3221225472
      if true { stop; }                            | if (true) {stop}
      if anyof(true, not false) {}                 | if (anyof (true, not (false))) {}
      require ["a", "b"];                          | require ['a','b']
      x "a" ["b"] 12 :t;                           | x 'a' ['b'] 12 :t
      vacation text:\\nhi\\n..\\n.\\n;             | vacation 'hi~.~'
      vacation text: # c\\nx\\n.\\n;               | vacation 'x~'
      x "a\\nb";                                 | x 'a~b'
      """)
  void parsesToTree(String script, String tree) throws Exception {
    assertThat(parse(script.replace("\\n", "\n"))).isEqualTo(tree.strip());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      keep                                  | 1:5: expected ';' or a block
      keep;\\nfileinto "x"                  | 2:13: expected ';' or a block
      if true { keep;                       | 1:16: end of script before the end of the block opened at 1:9
      "x";                                  | 1:1: expected a command
      keep;\\n  /* open                     | 2:3: end of file before end of bracket comment
      fileinto "open                        | 1:10: end of file before end of quoted string
      x text:\\nno end                      | 1:3: end of file before end of multi-line string
      x [1];                                | 1:4: expected a string in the string list
      if anyof(true,) {}                    | 1:15: expected a test in the test list
      size :over 99999999999999999999;      | 1:12: number is too large
      x @;                                  | 1:3: unexpected character '@'
      }                                     | 1:1: unexpected '}'
      """)
  void reportsErrorWithPosition(String script, String error) {
    assertThatThrownBy(() -> parse(script.replace("\\n", "\n")))
        .isInstanceOf(SieveCompileException.class)
        .satisfies(e -> assertThat(((SieveCompileException) e).errors().get(0).toString()).startsWith(error.strip()));
  }

  @Test
  void reportsSeveralErrorsAtOnce() {
    assertThatThrownBy(() -> parse("keep;\nfileinto \"a\" [;\ndiscard;\nx [;\n"))
        .isInstanceOf(SieveCompileException.class)
        .satisfies(e -> assertThat(((SieveCompileException) e).errors()).hasSizeGreaterThanOrEqualTo(2));
  }

  @Test
  void everyNodeHasItsPosition() throws Exception {
    List<Node> nodes = Parser.parse("require \"fileinto\";\nif header :is \"a\" \"b\" {\n  fileinto \"x\";\n}\n",
        SieveLimits.DEFAULTS).commands();
    Node ifNode = nodes.get(1);
    assertThat(ifNode.at()).hasToString("2:1");
    assertThat(ifNode.tests().get(0).at()).hasToString("2:4");
    assertThat(ifNode.tests().get(0).arguments().get(1).at()).hasToString("2:15");
    assertThat(ifNode.block().get(0).at()).hasToString("3:3");
  }

  @Test
  void limitsNestingScriptSizeAndStringLength() {
    String deep = "if true { ".repeat(40) + "}".repeat(40);
    assertThatThrownBy(() -> parse(deep)).hasMessageContaining("nested too deeply");
    String nots = "if " + "not ".repeat(100) + "true {}";
    assertThatThrownBy(() -> parse(nots)).hasMessageContaining("nested too deeply");
    SieveLimits small = new SieveLimits(100, 32, 10, 20, 1000, java.time.Duration.ofSeconds(1), 4, 32, 10, 255, 4096);
    assertThatThrownBy(() -> Parser.parse("#" + "x".repeat(200), small)).hasMessageContaining("script is too large");
    assertThatThrownBy(() -> Parser.parse("x \"" + "y".repeat(11) + "\";", small)).hasMessageContaining("string is too long");
  }

  /** Every prefix and random mutation of a realistic script parses or fails cleanly. */
  @Test
  void cutsAndMutationsNeverThrowAnythingElse() {
    String script = "require [\"fileinto\", \"variables\"];\n# c\nif header :matches \"subject\" \"*x*\" {\n"
        + "  set \"a\" \"${1}\"; fileinto text:\nbox\n..\n.\n;\n} elsif size :over 10K { discard; } /* b */\n";
    Random rnd = new Random(5228);
    for (int cut = 0; cut <= script.length(); cut++) {
      tryParse(script.substring(0, cut));
    }
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder(script);
      for (int e = 0; e < 1 + rnd.nextInt(4); e++) {
        int at = rnd.nextInt(b.length());
        b.setCharAt(at, "{}[]()\";:,/*#\\\n .K9a".charAt(rnd.nextInt(20)));
      }
      tryParse(b.toString());
    }
  }

  private static void tryParse(String s) {
    try {
      dev.postamt.sieve.ext.Extensions.standardCompiler().compile("t", s);
    } catch (SieveCompileException expected) {
      assertThat(expected.errors()).isNotEmpty();
    }
  }
}
