package dev.postamt.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The list's own test file (test_psl.txt, CC0) against the bundled list, plus DMARC's use of it. */
class PublicSuffixListTest {
  static Stream<Arguments> cases() throws Exception {
    List<Arguments> out = new ArrayList<>();
    Pattern p = Pattern.compile("^checkPublicSuffix\\((null|'[^']*'), (null|'[^']*')\\);");
    try (var r = new BufferedReader(new InputStreamReader(
        PublicSuffixListTest.class.getResourceAsStream("test_psl.txt"), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        Matcher m = p.matcher(line);
        if (m.find()) {
          out.add(Arguments.of(unquote(m.group(1)), unquote(m.group(2))));
        }
      }
    }
    assertThat(out).hasSizeGreaterThan(60);
    return out.stream();
  }

  static String unquote(String s) {
    return s.equals("null") ? null : s.substring(1, s.length() - 1);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("cases")
  void registrableDomain(String domain, String expected) {
    String got = PublicSuffixList.bundled().registrableDomain(domain == null ? null : domain.toLowerCase(java.util.Locale.ROOT)).orElse(null);
    assertThat(got).isEqualTo(expected);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "[{index}] pass {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
  void organizationalDomainsTheSameWhenRemembered(int pass) {
    // the bundled list remembers its answers: asked twice, the second pass comes from there
    organizationalDomains();
  }

  @Test
  void organizationalDomains() {
    PublicSuffixList psl = PublicSuffixList.bundled();
    assertThat(psl.organizationalDomain("mail.Example.CO.UK.")).isEqualTo("example.co.uk");
    assertThat(psl.organizationalDomain("example.com")).isEqualTo("example.com");
    assertThat(psl.organizationalDomain("a.b.c.example.com")).isEqualTo("example.com");
    assertThat(psl.organizationalDomain("co.uk")).isEqualTo("co.uk");
    assertThat(psl.organizationalDomain("foo.bar.github.io")).isEqualTo("bar.github.io"); // private section
    assertThat(psl.organizationalDomain("mail.example.test")).isEqualTo("example.test"); // unlisted TLD: "*"
    assertThat(psl.publicSuffix("www.city.kawasaki.jp")).contains("kawasaki.jp"); // exception !city.kawasaki.jp
    assertThat(psl.publicSuffix("www.other.kawasaki.jp")).contains("other.kawasaki.jp"); // wildcard *.kawasaki.jp
  }
}
