package dev.postamt.filter.rules;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates a Perl regular expression as SpamAssassin rule files write it ({@code /re/mods}, {@code
 * m{re}mods}, {@code m!re!mods}) into a {@link Pattern}, once, at load time.
 *
 * <p>Most of Perl's syntax means the same in {@code java.util.regex}; what differs is rewritten:
 *
 * <ul>
 *   <li>{@code .}, {@code ^} and {@code $} know only {@code \n} as a line end in Perl, so every pattern
 *       gets {@link Pattern#UNIX_LINES};
 *   <li>{@code /x} is applied here (Java's {@code COMMENTS} would also drop blanks inside classes, Perl
 *       keeps them);
 *   <li>inside a character class {@code [} and {@code &&} are literal in Perl but nest or intersect in
 *       Java, {@code \b} is a backspace, POSIX classes {@code [:alpha:]} become {@code \p{Alpha}};
 *   <li>a {@code {} that does not start a quantifier is literal in Perl, an error in Java;
 *   <li>{@code \xH}, {@code \x{…}}, octal {@code \0NN}, {@code \N} (not a newline), {@code \g1}/{@code
 *       \g{1}}, named groups with underscores, {@code (?#…)} comments, unknown letter escapes (literal
 *       in Perl).
 * </ul>
 *
 * <p>What has no Java equivalent is refused with an {@link Untranslatable} naming the construct, and the
 * rule is skipped: variable interpolation ({@code $var}, {@code ${…}}, {@code @var}), code blocks
 * ({@code (?{…})}, {@code (??{…})}), recursion ({@code (?R)}, {@code (?1)}, {@code (?&name)}), {@code
 * \K}, branch reset {@code (?|…)}, case-changing escapes ((backslash U, L, u, l)), and anything else
 * Java's compiler rejects (an unbounded look-behind, for one).
 */
public final class PerlRegex {

  /** A construct with no Java equivalent. */
  public static final class Untranslatable extends Exception {
    public Untranslatable(String construct) {
      super(construct);
    }
  }

  /**
   * A translated pattern with what the pre-filter needs.
   *
   * @param pattern the compiled pattern
   * @param literals lower-case strings of which every match contains at least one (empty: no filter)
   */
  public record Compiled(Pattern pattern, java.util.List<String> literals) {
    /** Whether the ASCII-lower-cased text can hold a match at all (cheap {@code indexOf}s). */
    public boolean mayMatch(String lowerText) {
      if (literals.isEmpty()) {
        return true;
      }
      for (String l : literals) {
        if (lowerText.contains(l)) {
          return true;
        }
      }
      return false;
    }
  }

  private PerlRegex() {}

  /** Splits {@code /re/mods}, {@code m{re}mods}, {@code m!re!mods}: returns [re, mods], or null when malformed. */
  static String[] split(String spec) {
    String s = spec.strip();
    int start;
    char open;
    if (s.startsWith("/")) {
      open = '/';
      start = 1;
    } else if (s.length() > 2 && s.charAt(0) == 'm' && !Character.isLetterOrDigit(s.charAt(1))
        && !Character.isWhitespace(s.charAt(1))) {
      open = s.charAt(1);
      start = 2;
    } else {
      return null;
    }
    char close = switch (open) {
      case '{' -> '}';
      case '(' -> ')';
      case '[' -> ']';
      case '<' -> '>';
      default -> open;
    };
    int depth = 0;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == open && open != close) {
        depth++;
      } else if (c == close) {
        if (depth == 0) {
          String mods = s.substring(i + 1).strip();
          String body = s.substring(start, i);
          if (open != '/' && open == close) {
            body = body.replace("\\" + open, String.valueOf(open)); // an escaped delimiter is the char
          }
          return new String[] {body, mods};
        }
        depth--;
      }
    }
    return null;
  }

  /** Translates and compiles a delimited Perl regex. */
  public static Compiled compile(String spec) throws Untranslatable {
    String[] parts = split(spec);
    if (parts == null) {
      throw new Untranslatable("not a delimited regex");
    }
    return compile(parts[0], parts[1]);
  }

  /** Translates and compiles a Perl regex body with its modifiers. */
  public static Compiled compile(String re, String mods) throws Untranslatable {
    int flags = Pattern.UNIX_LINES;
    boolean x = false;
    for (char m : mods.toCharArray()) {
      switch (m) {
        case 'i' -> flags |= Pattern.CASE_INSENSITIVE;
        case 'm' -> flags |= Pattern.MULTILINE;
        case 's' -> flags |= Pattern.DOTALL;
        case 'x' -> x = true;
        case 'o', 'g', 'a', 'u', 'l', 'd', 'p', 'n' -> {} // no effect on what matches here
        default -> throw new Untranslatable("modifier " + m);
      }
    }
    String java = translate(re, x);
    Pattern p;
    try {
      p = Pattern.compile(java, flags);
    } catch (PatternSyntaxException | StackOverflowError e) {
      String d = e instanceof PatternSyntaxException pe ? pe.getDescription() : "too deeply nested";
      throw new Untranslatable("Java rejects it: " + d);
    }
    return new Compiled(p, RequiredLiterals.of(java, x));
  }

  /** The Java regex for Perl regex {@code re}; {@code x}: the {@code /x} modifier applies. */
  static String translate(String re, boolean x) throws Untranslatable {
    StringBuilder out = new StringBuilder(re.length() + 16);
    Map<String, String> names = new HashMap<>();
    int n = re.length();
    int i = 0;
    while (i < n) {
      char c = re.charAt(i);
      if (x && Character.isWhitespace(c)) {
        i++;
      } else if (x && c == '#') {
        while (i < n && re.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\\') {
        i = escape(re, i, out, names, false);
      } else if (c == '[') {
        i = charClass(re, i, out);
      } else if (c == '(') {
        i = group(re, i, out, names);
      } else if (c == '{') {
        int end = quantifierEnd(re, i);
        if (end < 0) {
          out.append("\\{");
          i++;
        } else {
          out.append(re, i, end);
          i = end;
        }
      } else if (c == '$') {
        if (i + 1 < n && (re.charAt(i + 1) == '{' || Character.isLetter(re.charAt(i + 1)) || re.charAt(i + 1) == '_')) {
          throw new Untranslatable("variable interpolation $" + re.charAt(i + 1));
        }
        out.append('$');
        i++;
      } else if (c == '@' && i + 1 < n && (Character.isLetter(re.charAt(i + 1)) || re.charAt(i + 1) == '{')) {
        throw new Untranslatable("array interpolation @" + re.charAt(i + 1));
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The end of a quantifier {@code {n}}, {@code {n,}}, {@code {n,m}} starting at {@code i}, or -1. */
  private static int quantifierEnd(String re, int i) {
    int j = i + 1;
    int digits = 0;
    while (j < re.length() && Character.isDigit(re.charAt(j))) {
      j++;
      digits++;
    }
    if (digits == 0) {
      return -1;
    }
    if (j < re.length() && re.charAt(j) == ',') {
      j++;
      while (j < re.length() && Character.isDigit(re.charAt(j))) {
        j++;
      }
    }
    return j < re.length() && re.charAt(j) == '}' ? j + 1 : -1;
  }

  private static int group(String re, int i, StringBuilder out, Map<String, String> names) throws Untranslatable {
    if (!re.startsWith("(?", i)) {
      out.append('(');
      return i + 1;
    }
    String rest = re.substring(i + 2, Math.min(re.length(), i + 6));
    if (rest.startsWith("{") || rest.startsWith("?{")) {
      throw new Untranslatable("code block (?{...})");
    }
    if (rest.startsWith("#")) {
      int end = re.indexOf(')', i);
      if (end < 0) {
        throw new Untranslatable("unterminated (?#");
      }
      return end + 1;
    }
    if (rest.startsWith("R") || rest.startsWith("&") || rest.startsWith("P>") || (!rest.isEmpty()
        && (Character.isDigit(rest.charAt(0)) || ((rest.charAt(0) == '+' || rest.charAt(0) == '-')
            && rest.length() > 1 && Character.isDigit(rest.charAt(1)))))) {
      throw new Untranslatable("recursion (?" + rest.charAt(0) + "...)");
    }
    if (rest.startsWith("|")) {
      throw new Untranslatable("branch reset (?|...)");
    }
    if (rest.startsWith("^")) {
      throw new Untranslatable("caret flags (?^...)");
    }
    if (rest.startsWith("(")) {
      throw new Untranslatable("conditional (?(...))");
    }
    if (rest.startsWith("P=")) {
      throw new Untranslatable("named backreference (?P=...)");
    }
    int nameStart = -1;
    char nameEnd = '>';
    if (rest.startsWith("P<")) {
      nameStart = i + 4;
    } else if (rest.startsWith("<") && !rest.startsWith("<=") && !rest.startsWith("<!")) {
      nameStart = i + 3;
    } else if (rest.startsWith("'")) {
      nameStart = i + 3;
      nameEnd = '\'';
    }
    if (nameStart >= 0) {
      int end = re.indexOf(nameEnd, nameStart);
      if (end < 0) {
        throw new Untranslatable("unterminated group name");
      }
      out.append("(?<").append(javaName(re.substring(nameStart, end), names)).append('>');
      return end + 1;
    }
    // Inline flags (?imsx-imsx) or (?imsx-imsx:...): Java knows i m s x; drop Perl-only ones.
    int j = i + 2;
    StringBuilder flags = new StringBuilder();
    while (j < re.length() && "imsxadlupn-".indexOf(re.charAt(j)) >= 0) {
      char f = re.charAt(j);
      if ("imsx-".indexOf(f) >= 0) {
        flags.append(f);
      }
      j++;
    }
    if (j > i + 2 && j < re.length() && (re.charAt(j) == ')' || re.charAt(j) == ':')) {
      String f = flags.toString().replaceAll("-$", "");
      if (f.isEmpty()) {
        out.append(re.charAt(j) == ')' ? "" : "(?:");
      } else {
        out.append("(?").append(f).append(re.charAt(j));
      }
      return j + 1;
    }
    out.append("(?");
    return i + 2;
  }

  private static String javaName(String perl, Map<String, String> names) {
    return names.computeIfAbsent(perl, p -> {
      String base = p.replaceAll("[^A-Za-z0-9]", "");
      if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
        base = "g" + base;
      }
      return base + "x" + names.size();
    });
  }

  /** Translates the escape at {@code i} (a backslash); returns the index after it. */
  private static int escape(String re, int i, StringBuilder out, Map<String, String> names, boolean inClass)
      throws Untranslatable {
    if (i + 1 >= re.length()) {
      out.append("\\\\");
      return i + 1;
    }
    char e = re.charAt(i + 1);
    switch (e) {
      case 'K' -> throw new Untranslatable("\\K");
      case 'U', 'L', 'u', 'l', 'F' -> throw new Untranslatable("case-changing escape \\" + e);
      case 'Q' -> {
        int end = re.indexOf("\\E", i + 2);
        String lit = end < 0 ? re.substring(i + 2) : re.substring(i + 2, end);
        out.append(inClass ? quoteInClass(lit) : Pattern.quote(lit));
        return end < 0 ? re.length() : end + 2;
      }
      case 'E' -> {
        return i + 2; // a stray \E ends nothing
      }
      case 'x' -> {
        int j = i + 2;
        if (j < re.length() && re.charAt(j) == '{') {
          int end = re.indexOf('}', j);
          if (end < 0) {
            throw new Untranslatable("unterminated \\x{");
          }
          String hex = re.substring(j + 1, end).strip();
          out.append(hex.isEmpty() ? "\\x{0}" : "\\x{" + hex + "}");
          return end + 1;
        }
        int k = j;
        while (k < re.length() && k < j + 2 && Character.digit(re.charAt(k), 16) >= 0) {
          k++;
        }
        out.append("\\x{").append(k == j ? "0" : re.substring(j, k)).append('}');
        return k;
      }
      case 'o' -> {
        int end = re.indexOf('}', i);
        if (i + 2 >= re.length() || re.charAt(i + 2) != '{' || end < 0) {
          throw new Untranslatable("\\o");
        }
        out.append("\\x{").append(Integer.toHexString(parseOctal(re.substring(i + 3, end)))).append('}');
        return end + 1;
      }
      case '0' -> {
        int k = i + 2;
        while (k < re.length() && k < i + 4 && re.charAt(k) >= '0' && re.charAt(k) <= '7') {
          k++;
        }
        out.append("\\x{").append(Integer.toHexString(parseOctal(re.substring(i + 1, k)))).append('}');
        return k;
      }
      case 'g' -> {
        int j = i + 2;
        String ref;
        int end;
        if (j < re.length() && re.charAt(j) == '{') {
          end = re.indexOf('}', j);
          if (end < 0) {
            throw new Untranslatable("unterminated \\g{");
          }
          ref = re.substring(j + 1, end);
          end++;
        } else {
          end = j;
          while (end < re.length() && Character.isDigit(re.charAt(end))) {
            end++;
          }
          ref = re.substring(j, end);
        }
        if (ref.matches("\\d+")) {
          out.append('\\').append(ref);
        } else if (ref.startsWith("-")) {
          throw new Untranslatable("relative backreference \\g" + ref);
        } else {
          out.append("\\k<").append(javaName(ref, names)).append('>');
        }
        return end;
      }
      case 'k' -> {
        int j = i + 2;
        char open = j < re.length() ? re.charAt(j) : 0;
        char close = open == '<' ? '>' : open == '{' ? '}' : open == '\'' ? '\'' : 0;
        int end = close == 0 ? -1 : re.indexOf(close, j + 1);
        if (end < 0) {
          throw new Untranslatable("\\k");
        }
        out.append("\\k<").append(javaName(re.substring(j + 1, end), names)).append('>');
        return end + 1;
      }
      case 'N' -> {
        if (i + 2 < re.length() && re.charAt(i + 2) == '{') {
          throw new Untranslatable("\\N{...}");
        }
        if (inClass) {
          throw new Untranslatable("\\N in a class");
        }
        out.append("[^\\n]");
        return i + 2;
      }
      case 'b' -> {
        out.append(inClass ? "\\x{8}" : "\\b");
        return i + 2;
      }
      case 'p', 'P' -> {
        int j = i + 2;
        if (j < re.length() && re.charAt(j) == '{') {
          int end = re.indexOf('}', j);
          if (end < 0) {
            throw new Untranslatable("unterminated \\p{");
          }
          out.append('\\').append(e).append('{').append(unicodeProperty(re.substring(j + 1, end))).append('}');
          return end + 1;
        }
        out.append(re, i, Math.min(re.length(), i + 3));
        return i + 3;
      }
      default -> {
        if (Character.isDigit(e)) {
          if (inClass) {
            out.append("\\x{").append(Integer.toHexString(parseOctal(String.valueOf(e)))).append('}');
          } else {
            out.append('\\').append(e);
          }
          return i + 2;
        }
        if ("tnrfeaAzZGdDwWsShHvVRXc".indexOf(e) >= 0 || !Character.isLetter(e)) {
          if (e == 'A' || e == 'z' || e == 'Z' || e == 'G' || e == 'R' || e == 'X') {
            if (inClass) {
              out.append(e); // Perl: literal letter in a class
              return i + 2;
            }
          }
          if (e == 'c' && i + 2 < re.length()) {
            out.append(re, i, i + 3);
            return i + 3;
          }
          if (e == 'e') {
            out.append("\\x{1b}");
          } else if (e == 'a') {
            out.append("\\x{7}");
          } else {
            out.append('\\').append(e);
          }
          return i + 2;
        }
        out.append(e); // an unknown letter escape is the letter itself in Perl
        return i + 2;
      }
    }
  }

  private static String unicodeProperty(String name) {
    String n = name.strip();
    return switch (n) {
      case "Latin", "Cyrillic", "Greek", "Han", "Arabic", "Hebrew", "Thai", "Hangul", "Hiragana", "Katakana",
          "Armenian", "Georgian", "Cherokee" -> "Is" + n;
      default -> n;
    };
  }

  private static int parseOctal(String s) throws Untranslatable {
    try {
      return s.isEmpty() ? 0 : Integer.parseInt(s, 8);
    } catch (NumberFormatException e) {
      throw new Untranslatable("octal escape " + s);
    }
  }

  private static String quoteInClass(String lit) {
    StringBuilder b = new StringBuilder();
    for (char c : lit.toCharArray()) {
      b.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : String.format("\\x{%x}", (int) c));
    }
    return b.toString();
  }

  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alpha", "\\p{Alpha}"), Map.entry("digit", "\\p{Digit}"), Map.entry("alnum", "\\p{Alnum}"),
      Map.entry("upper", "\\p{Upper}"), Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s"),
      Map.entry("punct", "\\p{Punct}"), Map.entry("print", "\\p{Print}"), Map.entry("graph", "\\p{Graph}"),
      Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("xdigit", "\\p{XDigit}"), Map.entry("blank", "\\p{Blank}"),
      Map.entry("word", "\\w"), Map.entry("ascii", "\\p{ASCII}"));

  private static final Map<String, String> POSIX_NOT = Map.ofEntries(
      Map.entry("alpha", "\\P{Alpha}"), Map.entry("digit", "\\P{Digit}"), Map.entry("alnum", "\\P{Alnum}"),
      Map.entry("upper", "\\P{Upper}"), Map.entry("lower", "\\P{Lower}"), Map.entry("space", "\\S"),
      Map.entry("punct", "\\P{Punct}"), Map.entry("print", "\\P{Print}"), Map.entry("graph", "\\P{Graph}"),
      Map.entry("cntrl", "\\P{Cntrl}"), Map.entry("xdigit", "\\P{XDigit}"), Map.entry("blank", "\\P{Blank}"),
      Map.entry("word", "\\W"), Map.entry("ascii", "\\P{ASCII}"));

  /** Copies the character class starting at {@code i} in Java's syntax; returns the index after it. */
  private static int charClass(String re, int i, StringBuilder out) throws Untranslatable {
    int n = re.length();
    int j = i + 1;
    out.append('[');
    if (j < n && re.charAt(j) == '^') {
      out.append('^');
      j++;
    }
    if (j < n && re.charAt(j) == ']') {
      out.append("\\]"); // a leading ] is literal in Perl
      j++;
    }
    while (j < n) {
      char c = re.charAt(j);
      if (c == ']') {
        out.append(']');
        return j + 1;
      }
      if (c == '\\') {
        j = escape(re, j, out, new HashMap<>(), true);
      } else if (c == '[' && j + 1 < n && re.charAt(j + 1) == ':') {
        int end = re.indexOf(":]", j + 2);
        if (end < 0) {
          out.append("\\[");
          j++;
          continue;
        }
        String name = re.substring(j + 2, end);
        boolean not = name.startsWith("^");
        String cls = (not ? POSIX_NOT : POSIX).get(not ? name.substring(1) : name);
        if (cls == null) {
          throw new Untranslatable("POSIX class [:" + name + ":]");
        }
        out.append(cls);
        j = end + 2;
      } else if (c == '[' || c == '&' || c == '{' || c == '}' || c == '(' || c == ')' || c == '|') {
        out.append('\\').append(c);
        j++;
      } else {
        out.append(c);
        j++;
      }
    }
    throw new Untranslatable("unterminated character class");
  }
}
