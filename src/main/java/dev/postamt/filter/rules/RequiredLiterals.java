package dev.postamt.filter.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pre-filter of a rule: strings (ASCII lower case) of which every match of a regex must contain at
 * least one, found by reading the translated Java regex once at load. A body rule whose strings all
 * miss the lower-cased text is not run at all, so most of the hundreds of body rules cost one {@code
 * indexOf} per message instead of a regex search per paragraph.
 *
 * <p>The analysis only ever over-approximates (a string it names is really in every match, compared
 * without case), and gives up (no filter) on anything it does not follow: inline {@code (?x)},
 * classes of more than four characters, a single letter, digit or blank.
 */
final class RequiredLiterals {
  private static final int MAX_ALTERNATIVES = 24;

  private final String re;
  private int pos;

  private RequiredLiterals(String re) {
    this.re = re;
  }

  /** The strings for Java regex {@code re}; empty when no useful filter is known. */
  static List<String> of(String re, boolean extended) {
    if (extended || re.matches("(?s).*\\(\\?[a-z-]*x.*")) {
      return List.of();
    }
    try {
      RequiredLiterals r = new RequiredLiterals(re);
      Set<String> set = r.alternation();
      if (set == null || r.pos < re.length() || set.isEmpty()) {
        return List.of();
      }
      for (String s : set) {
        if (s.isEmpty() || s.length() < 2 && (Character.isLetterOrDigit(s.charAt(0)) || s.charAt(0) == ' ')) {
          return List.of(); // one letter is in every text: no use as a filter; one '$' or '@' is
        }
      }
      return List.copyOf(set);
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  static String lower(String s) {
    char[] c = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 'A' && ch <= 'Z') {
        if (c == null) {
          c = s.toCharArray();
        }
        c[i] = (char) (ch + 32);
      }
    }
    return c == null ? s : new String(c);
  }

  /** Branches up to a ')' or the end; null when some branch guarantees nothing. */
  private Set<String> alternation() {
    Set<String> all = new LinkedHashSet<>();
    boolean none = false;
    while (true) {
      Set<String> branch = sequence();
      if (branch == null) {
        none = true;
      } else {
        all.addAll(branch);
      }
      if (pos < re.length() && re.charAt(pos) == '|') {
        pos++;
        continue;
      }
      break;
    }
    return none || all.size() > MAX_ALTERNATIVES ? null : all;
  }

  private Set<String> sequence() {
    Run run = new Run();
    List<Set<String>> candidates = new ArrayList<>();
    while (pos < re.length()) {
      char c = re.charAt(pos);
      if (c == '|' || c == ')') {
        break;
      }
      if (c == '(') {
        pos++;
        boolean zeroWidth = false;
        if (re.startsWith("?", pos)) {
          if (re.startsWith("?=", pos) || re.startsWith("?!", pos) || re.startsWith("?<=", pos)
              || re.startsWith("?<!", pos)) {
            zeroWidth = true;
          } else if (re.startsWith("?<", pos)) {
            pos = re.indexOf('>', pos) + 1;
          } else {
            int j = pos + 1;
            while (j < re.length() && (Character.isLetter(re.charAt(j)) || re.charAt(j) == '-')) {
              j++;
            }
            if (j < re.length() && re.charAt(j) == ')') {
              pos = j + 1; // inline flags
              continue;
            }
            pos = j + 1; // (?: (?> (?i:
          }
        }
        Set<String> inner = alternation();
        pos++; // ')'
        boolean optional = quantifier();
        flush(run, candidates);
        if (!zeroWidth && !optional && inner != null) {
          candidates.add(inner);
        }
        continue;
      }
      if (c == '[') {
        int start = pos;
        skipClass();
        Set<Character> chars = smallClass(re.substring(start, pos));
        int before = pos;
        boolean optional = quantifier();
        if (chars == null || optional) {
          flush(run, candidates);
        } else {
          run.append(chars, candidates);
          if (pos != before) {
            flush(run, candidates);
          }
        }
        continue;
      }
      if (c == '\\') {
        char e = re.charAt(pos + 1);
        if (e == 'Q') {
          int end = re.indexOf("\\E", pos);
          flush(run, candidates);
          for (char q : (end < 0 ? re.substring(pos + 2) : re.substring(pos + 2, end)).toCharArray()) {
            run.append(q);
          }
          pos = end < 0 ? re.length() : end + 2;
          flush(run, candidates);
          continue;
        }
        if (Character.isLetterOrDigit(e)) {
          pos += 2;
          if (e == 'x' || e == 'p' || e == 'P' || e == 'k') {
            if (pos < re.length() && (re.charAt(pos) == '{' || re.charAt(pos) == '<')) {
              pos = re.indexOf(e == 'k' ? '>' : '}', pos) + 1;
            } else if (e == 'p' || e == 'P') {
              pos++;
            }
          } else if (e == 'c') {
            pos++;
          }
          quantifier();
          flush(run, candidates);
          continue;
        }
        pos += 2;
        literal(e, run, candidates);
        continue;
      }
      pos++;
      if (c == '.' || c == '^' || c == '$') {
        quantifier();
        flush(run, candidates);
      } else {
        literal(c, run, candidates);
      }
    }
    flush(run, candidates);
    Set<String> best = null;
    int bestLen = 0;
    for (Set<String> s : candidates) {
      int min = Integer.MAX_VALUE;
      for (String x : s) {
        min = Math.min(min, x.length());
      }
      if (min > bestLen) {
        best = s;
        bestLen = min;
      }
    }
    return best;
  }

  private void literal(char c, Run run, List<Set<String>> candidates) {
    int before = pos;
    boolean optional = quantifier();
    boolean repeated = pos != before;
    if (optional) {
      flush(run, candidates);
      return;
    }
    run.append(c);
    if (repeated) {
      flush(run, candidates);
    }
  }

  /** Skips a quantifier after an atom; true when it allows zero repetitions. */
  private boolean quantifier() {
    if (pos >= re.length()) {
      return false;
    }
    char q = re.charAt(pos);
    boolean optional;
    if (q == '?' || q == '*') {
      optional = true;
      pos++;
    } else if (q == '+') {
      optional = false;
      pos++;
    } else if (q == '{' && pos + 1 < re.length() && Character.isDigit(re.charAt(pos + 1))) {
      int end = re.indexOf('}', pos);
      String min = re.substring(pos + 1, end).split(",", -1)[0];
      optional = Integer.parseInt(min) == 0;
      pos = end + 1;
    } else {
      return false;
    }
    if (pos < re.length() && (re.charAt(pos) == '?' || re.charAt(pos) == '+')) {
      pos++;
    }
    return optional;
  }

  private void skipClass() {
    int depth = 0;
    while (pos < re.length()) {
      char c = re.charAt(pos);
      if (c == '\\') {
        pos += 2;
        continue;
      }
      pos++;
      if (c == '[') {
        depth++;
      } else if (c == ']' && --depth == 0) {
        return;
      }
    }
  }

  private static void flush(Run run, List<Set<String>> candidates) {
    if (!run.isEmpty()) {
      candidates.add(run.strings());
    }
    run.reset();
  }

  /** The characters (lower case) of a class of at most four, without ranges or negation; else null. */
  private static Set<Character> smallClass(String cls) {
    if (cls.length() < 3 || cls.charAt(1) == '^') {
      return null;
    }
    Set<Character> out = new LinkedHashSet<>();
    for (int i = 1; i < cls.length() - 1; i++) {
      char c = cls.charAt(i);
      if (c == '\\') {
        char e = cls.charAt(++i);
        if (Character.isLetterOrDigit(e)) {
          return null;
        }
        c = e;
      } else if (c == '-' && i > 1 && i < cls.length() - 2 || c == '[') {
        return null;
      }
      out.add(lower(String.valueOf(c)).charAt(0));
    }
    return out.size() <= 4 ? out : null;
  }

  /** The literal run being read: every string it may be (a class of a few characters branches it). */
  private static final class Run {
    private List<String> alternatives = new ArrayList<>(List.of(""));

    boolean isEmpty() {
      return alternatives.getFirst().isEmpty();
    }

    void reset() {
      alternatives = new ArrayList<>(List.of(""));
    }

    void append(char c) {
      alternatives.replaceAll(s -> s + c);
    }

    void append(Set<Character> chars, List<Set<String>> candidates) {
      if (alternatives.size() * chars.size() > MAX_ALTERNATIVES) {
        flush(this, candidates);
      }
      List<String> next = new ArrayList<>();
      for (String s : alternatives) {
        for (char c : chars) {
          next.add(s + c);
        }
      }
      alternatives = next;
    }

    Set<String> strings() {
      Set<String> out = new LinkedHashSet<>();
      for (String s : alternatives) {
        out.add(lower(s));
      }
      return out;
    }
  }
}
