package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PerlRegexTest {

  private static boolean finds(String spec, String text) throws Exception {
    return PerlRegex.compile(spec).pattern().matcher(text).find();
  }

  @ParameterizedTest(name = "{0} finds in \"{1}\": {2}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
      /viagra/i                  ; Buy VIAGRA now       ; true
      /viagra/                   ; Buy VIAGRA now       ; false
      m{foo/bar}                 ; a foo/bar b          ; true
      m!a/b!                     ; a/b                  ; true
      m!a\\!b!                   ; a!b                  ; true
      /^second/m                 ; "first\nsecond"      ; true
      /^second/                  ; "first\nsecond"      ; false
      /a.b/                      ; "a\nb"               ; false
      /a.b/s                     ; "a\nb"               ; true
      /a.b/                      ; "a\rb"               ; true
      / f o o # comment/x        ; foo                  ; true
      /[ ]x/x                    ; " x"                 ; true
      /[[:upper:]]{3}/           ; aBCDe                ; true
      /[[:^digit:]]/             ; 123                  ; false
      /\\h+x/                    ; "  x"                ; true
      /[a[]b/                    ; "[b"                 ; true
      /[a&&b]/                   ; &                    ; true
      /[]x]/                     ; ]                    ; true
      /a{/                       ; a{                   ; true
      /a{2}/                     ; aa                   ; true
      /{foo}/                    ; {foo}                ; true
      /\\x41/                    ; A                    ; true
      /\\x{263A}/                ; ☺                    ; true
      /\\xa/                     ; "\n"                 ; true
      /\\012/                    ; "\n"                 ; true
      /(\\w)\\1/                 ; xyyz                 ; true
      /(\\w)\\g1/                ; xyyz                 ; true
      /(?<the_char>\\w)\\k<the_char>/ ; xyyz            ; true
      /(?P<c>\\w)\\g{c}/         ; xyyz                 ; true
      /\\Qa.b\\E/                ; axb                  ; false
      /\\Qa.b\\E/                ; a.b                  ; true
      /a(?#comment)b/            ; ab                   ; true
      /a++b/                     ; aab                  ; true
      /(?>a+)b/                  ; aab                  ; true
      /end\\Z/                   ; "the end\n"          ; true
      /end\\z/                   ; "the end\n"          ; false
      /\\y/                      ; y                    ; true
      /a\\Nb/                    ; axb                  ; true
      /(?i)abc/                  ; ABC                  ; true
      /(?^:abc)/                 ; abc                  ; false
      """)
  void translates(String spec, String text, String expected) throws Exception {
    if (spec.contains("(?^")) {
      assertThatThrownBy(() -> PerlRegex.compile(spec)).isInstanceOf(PerlRegex.Untranslatable.class);
      return;
    }
    assertThat(finds(spec, text.replace("\\n", "\n").replace("\\r", "\r"))).isEqualTo(Boolean.parseBoolean(expected));
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(delimiter = ';', textBlock = """
      /a$foo/        ; variable interpolation
      /a${foo}/      ; variable interpolation
      /a@list/       ; array interpolation
      /(?{ 1 })a/    ; code block
      /(??{ 1 })a/   ; code block
      /(a|(?R))/     ; recursion
      /(a)(?1)/      ; recursion
      /(?&name)/     ; recursion
      /a\\Kb/        ; \\K
      /(?|a|b)/      ; branch reset
      /\\Ua/         ; case-changing
      /\\p{NoSuchProperty}/ ; Java rejects
      /abc/q         ; modifier q
      abc            ; not a delimited regex
      /[[:bogus:]]/  ; POSIX class
      """)
  void refuses(String spec, String construct) {
    assertThatThrownBy(() -> PerlRegex.compile(spec))
        .isInstanceOf(PerlRegex.Untranslatable.class)
        .hasMessageContaining(construct);
  }

  @ParameterizedTest(name = "{0} needs one of {1}")
  @CsvSource(delimiter = ';', textBlock = """
      /viagra/i                 ; viagra
      /\\bfree\\s+money\\b/i    ; money
      /(?:cialis|levitra)/      ; cialis levitra
      /\\b(?:buy|order) now/    ; ' now'
      /ab?c/                    ; ''
      /a.*b/                    ; ''
      /(?:foo|\\d+)bar/         ; bar
      /colou?r/                 ; colo
      /x{2}yz/                  ; yz
      /lotte(?:ry)?/            ; lotte
      /[vV]iagra/               ; viagra
      /\\$\\d+/                 ; $
      /a\\d+/                   ; ''
      /v[i1]agra/               ; v1agra viagra
      /[a-z]bc/                 ; bc
      /[^x]yz/                  ; yz
      /x[ab]+yz/                ; xa xb
      """)
  void findsTheLiteralEveryMatchContains(String spec, String expected) throws Exception {
    PerlRegex.Compiled c = PerlRegex.compile(spec);
    assertThat(String.join(" ", c.literals().stream().sorted().toList())).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void everyPatternKnowsOnlyNewlineAsLineEnd() throws Exception {
    assertThat(PerlRegex.compile("/x/").pattern().flags() & Pattern.UNIX_LINES).isNotZero();
  }
}
