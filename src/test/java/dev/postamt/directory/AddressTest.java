package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.IDN;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Address#parseDomain}: the ASCII path without {@link IDN} gives what the IDN path gave. */
class AddressTest {
  @ParameterizedTest
  @CsvSource({
    "Example.TEST, example.test",
    "example.test., example.test",
    "'  mail.Example.org  ', mail.example.org",
    "localhost, localhost",
    "xn--bcher-kva.test, xn--bcher-kva.test",
    "bücher.test, xn--bcher-kva.test",
    "BÜCHER.Test, xn--bcher-kva.test",
    "a-b.c-d.test, a-b.c-d.test",
    "123.example, 123.example",
  })
  void normalises(String in, String out) throws DirectoryException {
    assertThat(Address.parseDomain(in)).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "10.0.0.1| the last label is all digits (an IP address is written [192.0.2.1])",
    "a..b| it has an empty label (two dots in a row, or a dot at the start)",
    ".a.b| it has an empty label (two dots in a row, or a dot at the start)",
    "-a.test| a label may not start with a hyphen",
    "a-.test| a label may not end with a hyphen",
    "a_b.test| '_' is not allowed (only letters, digits and hyphens)",
  })
  void refuses(String in, String why) {
    assertThatThrownBy(() -> Address.parseDomain(in)).isInstanceOf(DirectoryException.class)
        .hasMessage("\"" + in + "\" is not a domain name: " + why);
  }

  @Test
  void labelsOfSixtyFourAndNamesOfMoreThan253CharactersAreRefused() throws DirectoryException {
    String label63 = "a".repeat(63);
    assertThat(Address.parseDomain(label63 + ".test")).isEqualTo(label63 + ".test");
    assertThatThrownBy(() -> Address.parseDomain("a" + label63 + ".test")).hasMessageEndingWith("a label is longer than 63 characters");
    String long254 = String.join(".", label63, label63, label63, "a".repeat(62)) ;
    assertThat(long254).hasSize(254);
    assertThatThrownBy(() -> Address.parseDomain(long254)).hasMessageEndingWith("longer than 253 characters");
  }

  /** Random ASCII names: accepted and normalised exactly when the former IDN-based code accepted them. */
  @Test
  void anAsciiNameIsTreatedAsTheIdnPathTreatedIt() {
    Random r = new Random(27);
    String alphabet = "abcXYZ019-._ ";
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = 1 + r.nextInt(12);
      for (int i = 0; i < len; i++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String name = b.toString();
      String expected = formerParse(name);
      String got;
      try {
        got = Address.parseDomain(name);
      } catch (DirectoryException e) {
        got = null;
      } catch (RuntimeException e) {
        got = "threw " + e;
      }
      assertThat(got).as(name).isEqualTo(expected);
      accepted += expected == null ? 0 : 1;
    }
    assertThat(accepted).as("the sample has names of both kinds").isBetween(1000, 19_000);
  }

  /** parseDomain as it was before the ASCII path (2026-12-05), null where it threw. */
  private static String formerParse(String text) {
    if (text.isBlank()) {
      return null;
    }
    String d = text.trim();
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!formerLabelsOk(d)) {
      return null;
    }
    String ascii;
    try {
      ascii = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (ascii.isEmpty() || ascii.length() > 253 || !formerLabelsOk(ascii)) {
      return null;
    }
    return ascii.substring(ascii.lastIndexOf('.') + 1).matches("[0-9]+") ? null : ascii;
  }

  private static boolean formerLabelsOk(String d) {
    for (String label : d.split("\\.", -1)) {
      if (label.isEmpty() || label.startsWith("-") || label.endsWith("-") || label.length() > 63) {
        return false;
      }
      for (char c : label.toCharArray()) {
        if (c < 0x80 && !(Character.isLetterOrDigit(c) || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }
}
