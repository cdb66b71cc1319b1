package dev.postamt.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Verdict#number} gives the BigDecimal's digits, with or without its fast path for four decimals. */
class VerdictNumberTest {
  private static String byBigDecimal(double d) {
    BigDecimal b = BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
    if (b.signum() == 0) {
      return "0.0";
    }
    if (b.scale() < 1) {
      b = b.setScale(1);
    }
    return b.toPlainString();
  }

  @Test
  void asTheBigDecimal() {
    Random r = new Random(4);
    for (int i = 0; i < 200_000; i++) {
      double d = switch (i % 4) {
        case 0 -> (r.nextInt(2_000_001) - 1_000_000) / Math.pow(10, r.nextInt(6)); // scores as rule files write them
        case 1 -> (r.nextLong() % 100_000_000_000_000L) / 10_000.0; // up to 10^10: past the fast path's bound too
        case 2 -> r.nextGaussian() * 10; // many decimals
        default -> Double.longBitsToDouble(r.nextLong()); // anything finite
      };
      if (!Double.isFinite(d)) {
        continue;
      }
      assertThat(Verdict.number(d)).as("%s", d).isEqualTo(byBigDecimal(d));
    }
    assertThat(Verdict.number(2.0)).isEqualTo("2.0");
    assertThat(Verdict.number(-0.001)).isEqualTo("-0.001");
    assertThat(Verdict.number(1.25)).isEqualTo("1.25");
    assertThat(Verdict.number(-0.0)).isEqualTo("0.0");
    assertThat(Verdict.number(0.00005)).isEqualTo(byBigDecimal(0.00005));
    assertThat(Verdict.Action.ADD_HEADER.word()).isEqualTo("add_header");
  }
}
