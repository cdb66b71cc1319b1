package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;
import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Definitions;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.Match;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5229 "variables": the set command with its modifiers (applied by precedence, §4.1), the string
 * test, and — in {@link Template} — substitution of {@code ${name}} and match variables.
 */
public final class Variables {
  private Variables() {}

  /** Modifiers in the order they apply: highest precedence first. */
  private static final List<String> MODIFIERS =
      List.of("lower", "upper", "lowerfirst", "upperfirst", "quotewildcard", "quoteregex", "encodeurl", "length");

  /** Pigeonhole's longest variable name. */
  static final int MAX_NAME_LENGTH = 64;

  private static int precedence(String m) {
    return switch (m) {
      case "lower", "upper" -> 40;
      case "lowerfirst", "upperfirst" -> 30;
      case "quotewildcard", "quoteregex" -> 20;
      case "encodeurl" -> 15;
      default -> 10;
    };
  }

  public static SieveExtension extension() {
    Signature.Builder set = Signature.builder();
    for (String m : MODIFIERS) {
      set.tag(TagSpec.flag(m, m.equals("quoteregex") ? "regex" : m.equals("encodeurl") ? "enotify" : null));
    }
    set.arg(Type.STRING, "name").arg(Type.STRING, "value");
    return SieveExtension.of("variables",
        command("set", set.build(), Variables::checkSet, Variables::set),
        test("string", Signature.builder().tags(Signature.MATCH_TAGS).arg(Type.STRING_LIST, "source")
            .arg(Type.STRING_LIST, "key list").build(), Variables::string));
  }

  static void checkSet(Checker c, CompiledNode n) {
    Template name = n.string(0);
    boolean global = c.requires("include") && name.isConstant() && name.text().toLowerCase(Locale.ROOT).startsWith("global.")
        && Template.isVariableName(name.text().substring(7), false);
    if (!global && (!name.isConstant() || !Template.isVariableName(name.text(), false))) {
      if (name.isConstant() && Template.isVariableName(name.text(), true)) {
        c.error(n.argAt(0), "set command: variable namespace of '" + name.text() + "' is not known");
      } else {
        c.error(n.argAt(0), "set command: invalid variable name '" + name.text() + "'");
      }
    }
    List<String> seen = new ArrayList<>();
    for (String m : MODIFIERS) {
      if (n.has(m)) {
        for (String s : seen) {
          if (precedence(s) == precedence(m)) {
            c.error(n.tagAt(m), "modifiers :" + s + " and :" + m + " of the set command have the same precedence");
          }
        }
        seen.add(m);
      }
    }
    n.data(name.text().toLowerCase(Locale.ROOT));
    if (name.isConstant() && name.text().length() > MAX_NAME_LENGTH) {
      c.error(n.argAt(0), "set command: variable name '" + name.text().substring(0, 32) + "...' is longer than "
          + MAX_NAME_LENGTH + " characters");
    }
    if (!global && !c.isMarked("global-variable:" + name.text().toLowerCase(Locale.ROOT))
        && c.mark("local-variable:" + name.text().toLowerCase(Locale.ROOT))
        && c.marked("local-variable:") > c.limits().maxVariables() && c.mark("too-many-variables")) {
      c.error(n.argAt(0), "set command: no more than " + c.limits().maxVariables() + " variables may be declared");
    }
  }

  static void set(Execution x, CompiledNode n) {
    String v = n.string(1).eval(x);
    for (String m : MODIFIERS) {
      if (n.has(m)) {
        v = modify(m, v, x.limits().maxVariableSize());
      }
    }
    x.setVariable(n.data(), v);
  }

  /**
   * {@code v} with modifier {@code m} applied; the quoting and encoding modifiers stop before an escape
   * that would take the value past {@code max} UTF-8 bytes, so a cut never leaves half an escape.
   */
  static String modify(String m, String v, int max) {
    return switch (m) {
      case "quotewildcard" -> quote(v, "*?\\", max);
      case "quoteregex" -> quote(v, "\\^$.[]|()?*+{}", max);
      case "encodeurl" -> encodeUrl(v, max);
      default -> modify(m, v);
    };
  }

  /** RFC 5435 §6 :encodeurl: percent-encoding of all but RFC 3986 unreserved characters. */
  private static String encodeUrl(String v, int max) {
    StringBuilder b = new StringBuilder(v.length() * 3 / 2);
    for (int i = 0; i < v.length(); ) {
      int cp = v.codePointAt(i);
      String unit;
      if (cp < 0x80 && (Character.isLetterOrDigit(cp) || "-._~".indexOf(cp) >= 0)) {
        unit = String.valueOf((char) cp);
      } else {
        StringBuilder u = new StringBuilder();
        for (byte by : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          u.append('%').append(String.format("%02X", by & 0xff));
        }
        unit = u.toString();
      }
      if (b.length() + unit.length() > max) {
        break;
      }
      b.append(unit);
      i += Character.charCount(cp);
    }
    return b.toString();
  }

  private static String quote(String v, String special, int max) {
    StringBuilder b = new StringBuilder(v.length() + 4);
    int bytes = 0;
    for (int i = 0; i < v.length(); ) {
      int cp = v.codePointAt(i);
      int n = (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4) + (cp < 0x80 && special.indexOf(cp) >= 0 ? 1 : 0);
      if (bytes + n > max) {
        break;
      }
      if (n > 1 && cp < 0x80) {
        b.append('\\');
      }
      b.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return b.toString();
  }

  static String modify(String m, String v) {
    return switch (m) {
      case "lower" -> v.toLowerCase(Locale.ROOT);
      case "upper" -> v.toUpperCase(Locale.ROOT);
      case "lowerfirst" -> v.isEmpty() ? v : v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
      case "upperfirst" -> v.isEmpty() ? v : v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
      case "quotewildcard" -> quote(v, "*?\\");
      case "quoteregex" -> quote(v, "\\^$.[]|()?*+{}");
      case "encodeurl" -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
          .replace("%7E", "~");
      default -> Integer.toString(v.codePointCount(0, v.length()));
    };
  }

  private static String quote(String v, String special) {
    StringBuilder b = new StringBuilder(v.length() + 4);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (special.indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  static boolean string(Execution x, CompiledNode n) throws SieveRuntimeException {
    List<String> values = Definitions.eval(x, n.strings(0));
    if (n.match().type() == Match.Type.COUNT) {
      values = values.stream().filter(s -> !s.isEmpty()).toList();
    }
    return n.match().matches(x, values, n.strings(1));
  }
}
