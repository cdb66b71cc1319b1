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
}
