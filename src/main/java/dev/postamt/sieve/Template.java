package dev.postamt.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A string argument as compiled: constant text, or text with {@code ${name}} references that are
 * substituted when the script runs (RFC 5229 §3). References are found once, at compile time; a constant
 * string costs nothing when it is read.
 */
public final class Template {
  private final String constant;
  private final List<Object> parts; // String literal or Ref

  /** A variable reference: a match variable ({@code index >= 0}) or a named one (lower case). */
  record Ref(int index, String name) {}

  private Template(String constant, List<Object> parts) {
    this.constant = constant;
    this.parts = parts;
  }

  public static Template constant(String s) {
    return new Template(s, null);
  }

  /**
   * Compiles {@code s}; with {@code variables} false it is constant. Text that looks like a reference
   * but is not a valid one stays literal (RFC 5229 §3: "${a.b.}" and "${}" are not references).
   */
  static Template compile(String s, boolean variables) {
    if (!variables || s.indexOf("${") < 0) {
      return constant(s);
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int open = s.indexOf("${", i);
      if (open < 0) {
        lit.append(s, i, s.length());
        break;
      }
      lit.append(s, i, open);
      int close = s.indexOf('}', open + 2);
      Ref ref = close < 0 ? null : parseReference(s.substring(open + 2, close));
      if (ref == null) {
        lit.append("${");
        i = open + 2;
        continue;
      }
      if (!lit.isEmpty()) {
        parts.add(lit.toString());
        lit.setLength(0);
      }
      parts.add(ref);
      i = close + 1;
    }
    if (!lit.isEmpty()) {
      parts.add(lit.toString());
    }
    if (parts.stream().noneMatch(p -> p instanceof Ref)) {
      return constant(String.join("", parts.stream().map(Object::toString).toList()));
    }
    return new Template(null, List.copyOf(parts));
  }

  /** The variable references in this template. */
  List<Ref> references() {
    List<Ref> out = new ArrayList<>();
    if (parts != null) {
      for (Object p : parts) {
        if (p instanceof Ref r) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** {@code num-variable / identifier *("." identifier)}; null when the text is neither. */
  static Ref parseReference(String name) {
    if (name.isEmpty()) {
      return null;
    }
    if (Character.isDigit(name.charAt(0))) {
      for (int k = 0; k < name.length(); k++) {
        if (name.charAt(k) < '0' || name.charAt(k) > '9') {
          return null;
        }
      }
      String digits = name.replaceFirst("^0+(?=.)", "");
      return digits.length() > 4 ? new Ref(Integer.MAX_VALUE, null) : new Ref(Integer.parseInt(digits), null);
    }
    return isVariableName(name, true) ? new Ref(-1, name.toLowerCase(Locale.ROOT)) : null;
  }

  /** An identifier, or with {@code namespaces} identifiers joined by dots. */
  public static boolean isVariableName(String name, boolean namespaces) {
    if (name.isEmpty()) {
      return false;
    }
    boolean start = true;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c == '.' && namespaces && !start) {
        start = true;
        continue;
      }
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
      if (!(letter || !start && c >= '0' && c <= '9')) {
        return false;
      }
      start = false;
    }
    return !start;
  }

  public boolean isConstant() {
    return constant != null;
  }

  /** The text, or the source form when it holds references (for messages and constant checks). */
  public String text() {
    if (constant != null) {
      return constant;
    }
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof Ref r) {
        b.append("${").append(r.name() != null ? r.name() : String.valueOf(r.index())).append('}');
      } else {
        b.append(p);
      }
    }
    return b.toString();
  }

  /** The value for this run, references substituted. */
  public String eval(Execution x) {
    if (constant != null) {
      return constant;
    }
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof Ref r) {
        b.append(r.name() != null ? x.variable(r.name()) : x.matchValue(r.index()));
      } else {
        b.append((String) p);
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return text();
  }
}
