package dev.postamt.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A match type with its comparator, as a test uses it: {@code :is}, {@code :contains}, {@code :matches}
 * (RFC 5228 §2.7.1), {@code :regex} (draft-ietf-sieve-regex), {@code :value} and {@code :count} (RFC 5231).
 * Patterns of constant keys are compiled once with the script. A successful {@code :matches} or
 * {@code :regex} sets the match variables (RFC 5229 §3.2).
 */
public final class Match {
  public enum Type { IS, CONTAINS, MATCHES, REGEX, VALUE, COUNT }

  private final Type type;
  private final Comparator comparator;
  private final String relation;
  private final Pattern[] constantPatterns;
  /** The key list the patterns were compiled for; other lists are matched without them. */
  private final List<Template> compiledKeys;

  Match(Type type, Comparator comparator, String relation, List<Template> keys) {
    this.type = type;
    this.comparator = comparator;
    this.relation = relation;
    this.compiledKeys = keys;
    if ((type == Type.MATCHES || type == Type.REGEX) && keys != null) {
      constantPatterns = new Pattern[keys.size()];
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).isConstant()) {
          constantPatterns[i] = pattern(keys.get(i).text());
        }
      }
    } else {
      constantPatterns = null;
    }
  }

  public static final Match DEFAULT = new Match(Type.IS, Comparator.ASCII_CASEMAP, null, null);

  public Type type() {
    return type;
  }

  public Comparator comparator() {
    return comparator;
  }

  /** The relational operators of RFC 5231 §4. */
  static boolean isRelation(String s) {
    return switch (s) {
      case "gt", "ge", "lt", "le", "eq", "ne" -> true;
      default -> false;
    };
  }

  /** Checks a regex key at compile time; returns the error text or null. */
  static String regexError(String key) {
    try {
      Pattern.compile(translateRegex(key));
      return null;
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
  }

  private Pattern pattern(String key) {
    if (type == Type.REGEX) {
      int flags = comparator == Comparator.ASCII_CASEMAP ? Pattern.CASE_INSENSITIVE
          : comparator == Comparator.UNICODE_CASEMAP ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
      try {
        return Pattern.compile(translateRegex(key), flags | Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        return null;
      }
    }
    return globPattern(key, comparator == Comparator.ASCII_CASEMAP, comparator == Comparator.UNICODE_CASEMAP);
  }

  /** POSIX ERE is close to Java's syntax; bracket classes like [[:alpha:]] need translating. */
  static String translateRegex(String re) {
    if (!re.contains("[:")) {
      return re;
    }
    return re.replace("[:alpha:]", "\\p{Alpha}").replace("[:digit:]", "\\d").replace("[:alnum:]", "\\p{Alnum}")
        .replace("[:upper:]", "\\p{Upper}").replace("[:lower:]", "\\p{Lower}").replace("[:space:]", "\\s")
        .replace("[:punct:]", "\\p{Punct}").replace("[:xdigit:]", "\\p{XDigit}").replace("[:blank:]", "\\h")
        .replace("[:cntrl:]", "\\p{Cntrl}").replace("[:print:]", "\\p{Print}").replace("[:graph:]", "\\p{Graph}");
  }

  /** {@code *} and {@code ?} as groups (each one is a match variable), {@code \} quoting the next char. */
  static Pattern globPattern(String key, boolean caseInsensitive, boolean unicode) {
    StringBuilder re = new StringBuilder();
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' && i + 1 < key.length()) {
        lit.append(key.charAt(++i));
      } else if (c == '*' || c == '?') {
        if (!lit.isEmpty()) {
          re.append(Pattern.quote(lit.toString()));
          lit.setLength(0);
        }
        re.append(c == '*' ? "(.*?)" : "(.)");
      } else {
        lit.append(c);
      }
    }
    if (!lit.isEmpty()) {
      re.append(Pattern.quote(lit.toString()));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL | (caseInsensitive || unicode ? Pattern.CASE_INSENSITIVE : 0)
        | (unicode ? Pattern.UNICODE_CASE : 0));
  }

  /** True when one of {@code values} matches one of {@code keys}. */
  public boolean matches(Execution x, List<String> values, List<Template> keys) throws SieveRuntimeException {
    if (type == Type.COUNT) {
      String count = Integer.toString(values.size());
      for (Template k : keys) {
        if (relate(comparator.compare(count, k.eval(x)))) {
          return true;
        }
      }
      return false;
    }
    for (String v : values) {
      if (matchesOne(x, v, keys)) {
        return true;
      }
    }
    return false;
  }

  public boolean matchesOne(Execution x, String value, List<Template> keys) throws SieveRuntimeException {
    for (int i = 0; i < keys.size(); i++) {
      x.step();
      Template k = keys.get(i);
      switch (type) {
        case IS -> {
          if (comparator.equal(value, k.eval(x))) {
            return true;
          }
        }
        case CONTAINS -> {
          if (comparator.contains(value, k.eval(x))) {
            return true;
          }
        }
        case VALUE -> {
          if (relate(comparator.compare(value, k.eval(x)))) {
            return true;
          }
        }
        case MATCHES, REGEX -> {
          Pattern p = keys == compiledKeys && constantPatterns != null ? constantPatterns[i] : null;
          if (p == null) {
            p = pattern(k.eval(x));
            if (p == null) {
              // As Pigeonhole: a bad pattern made at run time is an error in the log, and no match; the
              // script goes on.
              x.log("error: invalid regular expression '" + k.eval(x) + "' for regex match");
              continue;
            }
          }
          Matcher m = p.matcher(value);
          boolean ok = type == Type.MATCHES ? m.matches() : m.find();
          if (ok) {
            if (x.matchVariablesEnabled()) {
              List<String> groups = new ArrayList<>(m.groupCount() + 1);
              groups.add(type == Type.MATCHES ? value : m.group());
              for (int g = 1; g <= m.groupCount(); g++) {
                groups.add(m.group(g) == null ? "" : m.group(g));
              }
              x.setMatchValues(groups);
            }
            return true;
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    return false;
  }

  private boolean relate(int cmp) {
    return switch (relation) {
      case "gt" -> cmp > 0;
      case "ge" -> cmp >= 0;
      case "lt" -> cmp < 0;
      case "le" -> cmp <= 0;
      case "eq" -> cmp == 0;
      default -> cmp != 0;
    };
  }
}
