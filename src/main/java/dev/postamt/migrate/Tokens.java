package dev.postamt.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an IMAP response (RFC 3501 §9 formal syntax, as far as LIST, SELECT and FETCH need):
 * atoms, quoted strings, literals (as their index, see {@link ImapSource.Response}), NIL and
 * parenthesised lists. Bracketed sections ({@code BODY[]}, {@code [UIDVALIDITY 1]}) stay inside atoms.
 */
final class Tokens {
  private Tokens() {}

  record Atom(String value) {}

  record Str(String value) {}

  record Lit(int index) {}

  record Nil() {}

  record Group(List<Object> items) {}

  /** A quoted string for a command (RFC 3501 §4.3). */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static List<Object> parse(String text) {
    int[] at = {0};
    List<Object> out = new ArrayList<>();
    while (true) {
      skipSpaces(text, at);
      if (at[0] >= text.length()) {
        return out;
      }
      out.add(one(text, at));
    }
  }

  private static void skipSpaces(String s, int[] at) {
    while (at[0] < s.length() && s.charAt(at[0]) == ' ') {
      at[0]++;
    }
  }

  private static Object one(String s, int[] at) {
    char c = s.charAt(at[0]);
    if (c == '(') {
      at[0]++;
      List<Object> items = new ArrayList<>();
      while (true) {
        skipSpaces(s, at);
        if (at[0] >= s.length()) {
          return new Group(items);
        }
        if (s.charAt(at[0]) == ')') {
          at[0]++;
          return new Group(items);
        }
        items.add(one(s, at));
      }
    }
    if (c == '"') {
      StringBuilder b = new StringBuilder();
      at[0]++;
      while (at[0] < s.length() && s.charAt(at[0]) != '"') {
        char x = s.charAt(at[0]++);
        if (x == '\\' && at[0] < s.length()) {
          x = s.charAt(at[0]++);
        }
        b.append(x);
      }
      at[0]++;
      return new Str(b.toString());
    }
    if (c == '\0') {
      int end = s.indexOf('\0', at[0] + 1);
      int idx = Integer.parseInt(s.substring(at[0] + 1, end));
      at[0] = end + 1;
      return new Lit(idx);
    }
    int start = at[0];
    int depth = 0;
    while (at[0] < s.length()) {
      char x = s.charAt(at[0]);
      if (x == '[') {
        depth++;
      } else if (x == ']') {
        depth--;
      } else if (depth == 0 && (x == ' ' || x == ')' || x == '(')) {
        break;
      }
      at[0]++;
    }
    String atom = s.substring(start, at[0]);
    return atom.equalsIgnoreCase("NIL") ? new Nil() : new Atom(atom);
  }
}
