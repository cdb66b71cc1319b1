package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.HeaderText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5256 §2.1 base-subject extraction, row by row: raw Subject (encoded words decoded first) → base. */
class BaseSubjectTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      Re: [list] Fwd: Re: subj (fwd)                  | subj              | true
      subj                                            | subj              | false
      `  subj   `                                     | subj              | false
      subj (fwd) (FWD)   (fwd)                        | subj              | true
      [list] subj                                     | subj              | false
      [list]                                          | [list]            | false
      `[list]   `                                     | [list]            | false
      [a][b] c                                        | c                 | false
      [a] [b]                                         | [b]               | false
      RE: re: Re:subj                                 | subj              | true
      Re [blob]: subj                                 | subj              | true
      Fw: subj                                        | subj              | true
      FWD : subj                                      | subj              | true
      Ad: Re: subj                                    | Ad: Re: subj      | false
      Rex: subj                                       | Rex: subj         | false
      Re:                                             | ``                | true
      [Fwd: subj]                                     | subj              | true
      Re: [fwd: [FWD: Re: [fwd: x]]]                  | x                 | true
      [fwd: a] b                                      | b                 | false
      [fwd: subj                                      | [fwd: subj        | false
      =?utf-8?q?Re=3A_=C3=84pfel?=                    | Äpfel             | true
      =?iso-8859-1?q?_?=                              | ``                | false
      Re: =?utf-8?b?w6RwZmVs?= =?utf-8?q?_(fwd)?=     | äpfel             | true
      a	 b  c                                        | a b c             | false
      """)
  void extractsTheBaseSubject(String raw, String base, boolean replyOrForward) {
    BaseSubject b = BaseSubject.of(HeaderText.decode(raw));
    assertThat(b.text()).isEqualTo(base);
    assertThat(b.replyOrForward()).isEqualTo(replyOrForward);
  }

  @ParameterizedTest
  @CsvSource({"abc,ABC", "Äpfel,A\u0308PFEL", "äPFEL,A\u0308PFEL", "Ωmega,ΩMEGA"})
  void casemapIsTitlecaseThenNfkd(String in, String out) {
    assertThat(BaseSubject.casemap(in)).isEqualTo(out);
  }

  /**
   * SORT compares case-mapped strings by code point (RFC 5051, RFC 5256 §3): a character above U+FFFF
   * (a surrogate pair in UTF-16) sorts after every BMP character, U+E000..U+FFFF included, where
   * String.compareTo would put it before them. Checked against the order of the code points themselves.
   */
  @ParameterizedTest
  @CsvSource({
    "a, b", "a, ab", "'', a", "\uFFFD, \uD83D\uDE00", "\uE000, \uD800\uDC00", "z\uFF21, z\uD83D\uDE00",
    "\uD83D\uDE00, \uD83D\uDE01", "\uD83D\uDE00x, \uD83D\uDE00y", "\uD7FF, \uE000", "\uD83D\uDE00, \uD83E\uDD00"
  })
  void comparesByCodePoint(String lowerEscaped, String higherEscaped) {
    String lower = unescape(lowerEscaped);
    String higher = unescape(higherEscaped);
    int byCodePoints = java.util.Arrays.compare(lower.codePoints().toArray(), higher.codePoints().toArray());
    assertThat(byCodePoints).isNegative();
    assertThat(BaseSubject.compare(lower, higher)).isNegative();
    assertThat(BaseSubject.compare(higher, lower)).isPositive();
    assertThat(BaseSubject.compare(lower, new String(lower))).isZero();
  }

  @org.junit.jupiter.api.Test
  void compareAgreesWithCodePointOrderOnRandomStrings() {
    java.util.Random rnd = new java.util.Random(5256);
    int[] pool = {'a', 'B', 0xE9, 0xD7FF, 0xE000, 0xFF21, 0xFFFD, 0x1F600, 0x10000, 0x1F601, 0x20000};
    for (int n = 0; n < 20_000; n++) {
      String a = randomString(rnd, pool);
      String b = randomString(rnd, pool);
      int expected = Integer.signum(java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
      assertThat(Integer.signum(BaseSubject.compare(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
    }
  }

  private static String randomString(java.util.Random rnd, int[] pool) {
    StringBuilder b = new StringBuilder();
    for (int i = rnd.nextInt(4); i >= 0; i--) {
      b.appendCodePoint(pool[rnd.nextInt(pool.length)]);
    }
    return b.toString();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\u", i)) {
        b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        b.append(s.charAt(i));
      }
    }
    return b.toString();
  }
}
