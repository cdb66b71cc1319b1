package dev.postamt.mailauth.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Macro strings (RFC 7208 §7): {@code %{letter transformers delimiters}}, {@code %%}, {@code %_},
 * {@code %-}. The same code checks the syntax (at record parse time, so that an error anywhere in a
 * record is a permerror, §4.6) and expands (at evaluation time).
 */
final class SpfMacro {
  /** The value of a macro letter, given in lower case; only {@code p} may need DNS. */
  interface Values {
    String value(char letter);
  }

  private static final String LETTERS = "slodiphv";
  private static final String EXPLANATION_LETTERS = "crt"; // §7.3: only in explanation strings
  private static final String DELIMITERS = ".-+,/_=";
  private static final Values NO_VALUES = letter -> "";

  private SpfMacro() {}

  /**
   * Checks {@code s} as a macro-string ({@code explanation} false: inside a term, where only visible
   * characters may occur) or as an explanation-string (spaces and the letters c, r, t allowed).
   */
  static void validate(String s, boolean explanation) throws SpfError {
    expand(s, explanation, NO_VALUES);
  }

  static String expand(String s, boolean explanation, Values values) throws SpfError {
    StringBuilder out = new StringBuilder(s.length() + 16);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '%') {
        if ((c < 0x21 || c > 0x7e) && !(explanation && c == ' ')) {
          throw SpfError.perm("character " + describe(c) + " not allowed in \"" + s + "\"");
        }
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= s.length()) {
        throw SpfError.perm("'%' at the end of \"" + s + "\"");
      }
      char n = s.charAt(i + 1);
      switch (n) {
        case '%' -> out.append('%');
        case '_' -> out.append(' ');
        case '-' -> out.append("%20");
        case '{' -> {
          int close = s.indexOf('}', i + 2);
          if (close < 0) {
            throw SpfError.perm("unterminated macro in \"" + s + "\"");
          }
          out.append(macro(s.substring(i + 2, close), explanation, values, s));
          i = close + 1;
          continue;
        }
        default -> throw SpfError.perm("'%' must be followed by '{', '%', '_' or '-' in \"" + s + "\"");
      }
      i += 2;
    }
    return out.toString();
  }

  /** One {@code letter *DIGIT ["r"] *delimiter} body (§7.1). */
  private static String macro(String body, boolean explanation, Values values, String whole) throws SpfError {
    if (body.isEmpty()) {
      throw SpfError.perm("empty macro in \"" + whole + "\"");
    }
    char letter = body.charAt(0);
    char lower = Character.toLowerCase(letter);
    if (LETTERS.indexOf(lower) < 0 && !(explanation && EXPLANATION_LETTERS.indexOf(lower) >= 0)) {
      throw SpfError.perm("macro letter '" + letter + "' not allowed in \"" + whole + "\"");
    }
    int i = 1;
    int digitsStart = i;
    while (i < body.length() && Character.isDigit(body.charAt(i))) {
      i++;
    }
    int keep = Integer.MAX_VALUE;
    if (i > digitsStart) {
      String digits = body.substring(digitsStart, i);
      // §7.3: the number of parts must be nonzero; more than 128 parts cannot occur in a DNS name.
      keep = digits.length() > 3 ? 128 : Math.min(128, Integer.parseInt(digits));
      if (digits.chars().allMatch(ch -> ch == '0')) {
        throw SpfError.perm("macro transformer 0 in \"" + whole + "\"");
      }
    }
    boolean reverse = false;
    if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
      reverse = true;
      i++;
    }
    String delimiters = body.substring(i);
    for (char d : delimiters.toCharArray()) {
      if (DELIMITERS.indexOf(d) < 0) {
        throw SpfError.perm("bad macro delimiter '" + describe(d) + "' in \"" + whole + "\"");
      }
    }
    String value = values.value(lower);
    if (keep != Integer.MAX_VALUE || reverse || !delimiters.isEmpty()) {
      value = transform(value, delimiters.isEmpty() ? "." : delimiters, reverse, keep);
    }
    return Character.isUpperCase(letter) ? urlEscape(value) : value;
  }

  /** §7.3: split on any delimiter, optionally reverse, keep the rightmost parts, join with dots. */
  private static String transform(String value, String delimiters, boolean reverse, int keep) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      if (delimiters.indexOf(value.charAt(i)) >= 0) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    if (reverse) {
      Collections.reverse(parts);
    }
    if (keep < parts.size()) {
      parts = parts.subList(parts.size() - keep, parts.size());
    }
    return String.join(".", parts);
  }

  /** §7.3: upper-case macro letters are URL-escaped; everything but RFC 3986 "unreserved" is %XX. */
  static String urlEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /** Whether the macro-string ends with a macro-expand, which §7.1 accepts as a domain-end. */
  static boolean endsWithMacro(String s) {
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%' && i + 1 < s.length()) {
        int close = s.charAt(i + 1) == '{' ? s.indexOf('}', i + 2) : i + 1;
        if (close < 0) {
          return false;
        }
        i = close + 1;
        if (i == s.length()) {
          return true;
        }
      } else {
        i++;
      }
    }
    return false;
  }

  static String describe(char c) {
    return c >= 0x21 && c <= 0x7e ? String.valueOf(c) : String.format("U+%04X", (int) c);
  }
}
