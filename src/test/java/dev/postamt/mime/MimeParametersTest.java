package dev.postamt.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Content-Type and Content-Disposition parameters, RFC 2231 continuations and charsets included. */
class MimeParametersTest {
  static String parse(String s) {
    Map<String, String> p = new LinkedHashMap<>();
    MimeParameters.parse(s, p);
    StringBuilder b = new StringBuilder();
    p.forEach((k, v) -> b.append(b.isEmpty() ? "" : " | ").append(k).append('=').append(v));
    return b.toString();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '→',
      quoteCharacter = '`',
      textBlock =
          """
          ` charset="utf-8"; format=flowed`                           → charset=utf-8 | format=flowed
          ` Charset=a; charset=b`                                     → charset=a
          # RFC 2231 §3: continuations, joined under the plain name
          ` name*0="a long "; name*1="file"; name*2=".txt"`           → name=a long file.txt
          ` name*1="b"; name*0="a"`                                   → name=ab
          ` name*0="a"; name*2="c"`                                   → name=a
          ` boundary*0="--=_x"; boundary*1="y"`                       → boundary=--=_xy
          # §4: charset and language; the value is given again in UTF-8, percent-encoded
          ` filename*=utf-8''%E2%82%AC.txt`                           → filename*=utf-8''%E2%82%AC.txt
          ` filename*="UTF-8''%e2%82%ac%20rate.txt"`                  → filename*=utf-8''%E2%82%AC%20rate.txt
          ` title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A`  → title*=utf-8'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A
          ` filename*=iso-8859-1'de'Gr%FC%DFe.txt`                    → filename*=utf-8'de'Gr%C3%BC%C3%9Fe.txt
          # §4.1: both mixed; a plain piece is literal text (its % is a percent sign)
          ` title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2="isn't it! 100%"` → title*=utf-8'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn%27t%20it!%20100%25
          ` filename*0*=utf-8''%E2%82%AC; filename*1=".txt"`          → filename*=utf-8''%E2%82%AC.txt
          # an encoded value beside a plain fallback: both kept
          ` filename="Euro.txt"; filename*=utf-8''%E2%82%AC.txt`      → filename=Euro.txt | filename*=utf-8''%E2%82%AC.txt
          # odd input: unknown charset kept as it is, bad escapes taken literally, missing start dropped
          ` name*=x-unknown''%A4`                                     → name*=x-unknown''%A4
          ` name*=utf-8''100%`                                        → name*=utf-8''100%25
          ` name*=%E2%82%AC`                                          → name*=utf-8''%E2%82%AC
          ` name*1="b"`                                               → ''
          """)
  void parameters(String header, String expected) {
    assertThat(parse(header)).isEqualTo(expected.equals("''") ? "" : expected);
  }
}
