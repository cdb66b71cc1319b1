package dev.postamt.sieve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The "encoded-character" extension (RFC 5228 §2.4.2.4): {@code ${hex: 41 42}} and
 * {@code ${unicode: 263A}} inside strings, decoded at compile time. A sequence that does not have the
 * right shape stays as it is; one that names an invalid code point is an error.
 */
final class EncodedCharacter {
  private EncodedCharacter() {}

  static String decode(SyntaxTree.StringValue v, boolean enabled, List<Diagnostic> diagnostics) {
    String s = v.value();
    if (!enabled || s.indexOf("${") < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int open = s.indexOf("${", i);
      if (open < 0) {
        out.append(s, i, s.length());
        break;
      }
      out.append(s, i, open);
      int close = s.indexOf('}', open);
      int colon = s.indexOf(':', open);
      if (close < 0 || colon < 0 || colon > close) {
        out.append("${");
        i = open + 2;
        continue;
      }
      String kind = s.substring(open + 2, colon).toLowerCase(Locale.ROOT);
      String body = s.substring(colon + 1, close);
      String decoded = switch (kind) {
        case "hex" -> hex(body);
        case "unicode" -> unicode(body, v, diagnostics);
        default -> null;
      };
      if (decoded == null) {
        out.append("${");
        i = open + 2;
      } else {
        out.append(decoded);
        i = close + 1;
      }
    }
    return out.toString();
  }

  private static String[] units(String body) {
    String t = body.strip();
    for (int k = 0; k < body.length(); k++) {
      char c = body.charAt(k);
      if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n' || Character.digit(c, 16) >= 0 && c < 128)) {
        return null;
      }
    }
    // RFC 5228 §2.4.2.4: at least one hex-pair (or unicode-hex); "${hex:}" stays as it is.
    return t.isEmpty() ? null : t.split("[ \t\r\n]+");
  }

  private static String hex(String body) {
    String[] units = units(body);
    if (units == null) {
      return null;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String u : units) {
      if (u.length() > 2) {
        String stripped = u.replaceFirst("^0+", "");
        if (stripped.length() > 2) {
          return null;
        }
        u = stripped.isEmpty() ? "0" : stripped;
      }
      b.write(Integer.parseInt(u, 16));
    }
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  private static String unicode(String body, SyntaxTree.StringValue v, List<Diagnostic> diagnostics) {
    String[] units = units(body);
    if (units == null) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (String u : units) {
      String stripped = u.replaceFirst("^0+(?=.)", "");
      int cp = stripped.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(stripped, 16);
      if (cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
        diagnostics.add(Diagnostic.error(v.at(), "invalid unicode character 0x" + u + " in encoded character substitution"));
        return "";
      }
      b.appendCodePoint(cp);
    }
    return b.toString();
  }
}
