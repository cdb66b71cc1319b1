package dev.postamt.filter.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetaExpressionTest {
  private static final Map<String, Double> HITS = Map.of("A", 1.0, "B", 0.0, "C", 3.0, "__D", 1.0);

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = ';', textBlock = """
      A                       ; 1
      B                       ; 0
      A && B                  ; 0
      A || B                  ; 1
      !B                      ; 1
      !(A && !B)              ; 0
      A + C + __D             ; 5
      (A + C + __D) > 4       ; 1
      A + C >= 5              ; 0
      C - A * 2               ; 1
      C / 2                   ; 1.5
      C / B                   ; 0
      C == 3                  ; 1
      C != 3                  ; 0
      C < 3 || A              ; 1
      -A + 2                  ; 1
      UNKNOWN                 ; 0
      A && B || C             ; 1
      A || B && B             ; 1
      """)
  void evaluates(String expr, double expected) throws Exception {
    assertThat(MetaExpression.parse(expr).value(n -> HITS.getOrDefault(n, 0.0))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      A &&
      (A
      A ) B
      A $ B
      """)
  void refusesMalformed(String expr) {
    assertThatThrownBy(() -> MetaExpression.parse(expr)).isInstanceOf(MetaExpression.SyntaxError.class);
  }

  @ParameterizedTest(name = "{0}: could fire because of {1}")
  @CsvSource(delimiter = ';', textBlock = """
      A && B                 ; ''
      A && !B                ; B
      !(A || B)              ; A B
      A + B > 1              ; ''
      A + B < 2              ; A B
      A - B                  ; B
      A == 1                 ; A
      """)
  void knowsWhichPartsCouldMakeItFire(String expr, String expected) throws Exception {
    assertThat(String.join(" ", MetaExpression.parse(expr).nonMonotone())).isEqualTo(expected);
  }
}
