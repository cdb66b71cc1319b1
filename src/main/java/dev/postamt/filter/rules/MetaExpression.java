package dev.postamt.filter.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A meta rule's expression, parsed once: rule names (their hit counts), numbers, {@code ! && || ( )},
 * {@code + - * /} and the comparisons {@code > >= < <= == !=}, with Perl's precedence (unary, then
 * multiplicative, additive, relational, equality, {@code &&}, {@code ||}). A value is true when not
 * zero; {@code &&} and {@code ||} yield 1 or 0 (Perl yields an operand, which counts the same where a
 * meta is only ever tested for truth or compared with small numbers).
 *
 * <p>The same grammar serves the rule files' {@code if (version >= 3.004)} once the loader has put
 * numbers in place of {@code version}, {@code can(…)} and {@code plugin(…)}.
 */
final class MetaExpression {
  /** A malformed expression. */
  static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message);
    }
  }

  private sealed interface Node permits Num, Ref, Unary, Binary {}

  private record Num(double v) implements Node {}

  private record Ref(String name) implements Node {}

  private record Unary(char op, Node a) implements Node {}

  private record Binary(String op, Node a, Node b) implements Node {}

  private final Node root;
  private final Set<String> names;

  private MetaExpression(Node root, Set<String> names) {
    this.root = root;
    this.names = names;
  }

  /** The rule names the expression refers to. */
  Set<String> names() {
    return names;
  }

  /**
   * The names whose hits could make the expression true where it was false: those under a {@code !},
   * on the small side of a comparison, subtracted, or in {@code ==}, {@code !=} or arithmetic we do not
   * follow. A name not among them only ever helps the meta fire, so when it is missing the meta fires
   * less often, never more.
   */
  Set<String> nonMonotone() {
    Set<String> out = new LinkedHashSet<>();
    polarity(root, 1, out);
    return out;
  }

  private static void polarity(Node n, int sign, Set<String> out) {
    switch (n) {
      case Num num -> {}
      case Ref r -> {
        if (sign != 1) {
          out.add(r.name());
        }
      }
      case Unary u -> polarity(u.a(), -sign, out);
      case Binary b -> {
        switch (b.op()) {
          case "&&", "||", "+" -> {
            polarity(b.a(), sign, out);
            polarity(b.b(), sign, out);
          }
          case "-" -> {
            polarity(b.a(), sign, out);
            polarity(b.b(), -sign, out);
          }
          case ">", ">=" -> {
            polarity(b.a(), sign, out);
            polarity(b.b(), -sign, out);
          }
          case "<", "<=" -> {
            polarity(b.a(), -sign, out);
            polarity(b.b(), sign, out);
          }
          case "*" -> {
            polarity(b.a(), b.b() instanceof Num k && k.v() >= 0 ? sign : 0, out);
            polarity(b.b(), b.a() instanceof Num k && k.v() >= 0 ? sign : 0, out);
          }
          default -> {
            polarity(b.a(), 0, out);
            polarity(b.b(), 0, out);
          }
        }
      }
    }
  }

  /** Parses {@code text}. */
  static MetaExpression parse(String text) throws SyntaxError {
    Parser p = new Parser(tokens(text));
    Node n = p.or();
    if (p.pos != p.tokens.size()) {
      throw new SyntaxError("unexpected '" + p.tokens.get(p.pos) + "'");
    }
    return new MetaExpression(n, p.names);
  }

  /** The value, each name counting as {@code hits.applyAsDouble(name)}. */
  double value(ToDoubleFunction<String> hits) {
    return eval(root, hits);
  }

  boolean test(ToDoubleFunction<String> hits) {
    return value(hits) != 0;
  }

  private static double eval(Node n, ToDoubleFunction<String> hits) {
    return switch (n) {
      case Num num -> num.v();
      case Ref r -> hits.applyAsDouble(r.name());
      case Unary u -> u.op() == '!' ? (eval(u.a(), hits) == 0 ? 1 : 0) : -eval(u.a(), hits);
      case Binary b -> switch (b.op()) {
        case "&&" -> eval(b.a(), hits) != 0 && eval(b.b(), hits) != 0 ? 1 : 0;
        case "||" -> eval(b.a(), hits) != 0 || eval(b.b(), hits) != 0 ? 1 : 0;
        default -> arithmetic(b.op(), eval(b.a(), hits), eval(b.b(), hits));
      };
    };
  }

  private static double arithmetic(String op, double a, double b) {
    return switch (op) {
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      case "/" -> b == 0 ? 0 : a / b;
      case ">" -> a > b ? 1 : 0;
      case ">=" -> a >= b ? 1 : 0;
      case "<" -> a < b ? 1 : 0;
      case "<=" -> a <= b ? 1 : 0;
      case "==" -> a == b ? 1 : 0;
      case "!=" -> a != b ? 1 : 0;
      default -> throw new IllegalStateException(op);
    };
  }

  private static List<String> tokens(String s) throws SyntaxError {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (Character.isDigit(c) || c == '.') {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (two.equals("&&") || two.equals("||") || two.equals(">=") || two.equals("<=") || two.equals("==")
            || two.equals("!=")) {
          out.add(two);
          i += 2;
        } else if ("!()+-*/<>".indexOf(c) >= 0) {
          out.add(String.valueOf(c));
          i++;
        } else {
          throw new SyntaxError("unexpected '" + c + "'");
        }
      }
    }
    return out;
  }

  private static final class Parser {
    final List<String> tokens;
    final Set<String> names = new LinkedHashSet<>();
    int pos;

    Parser(List<String> tokens) {
      this.tokens = tokens;
    }

    private boolean accept(String t) {
      if (pos < tokens.size() && tokens.get(pos).equals(t)) {
        pos++;
        return true;
      }
      return false;
    }

    Node or() throws SyntaxError {
      Node a = and();
      while (accept("||")) {
        a = new Binary("||", a, and());
      }
      return a;
    }

    Node and() throws SyntaxError {
      Node a = equality();
      while (accept("&&")) {
        a = new Binary("&&", a, equality());
      }
      return a;
    }

    Node equality() throws SyntaxError {
      Node a = relational();
      while (true) {
        if (accept("==")) {
          a = new Binary("==", a, relational());
        } else if (accept("!=")) {
          a = new Binary("!=", a, relational());
        } else {
          return a;
        }
      }
    }

    Node relational() throws SyntaxError {
      Node a = additive();
      while (true) {
        String op = pos < tokens.size() ? tokens.get(pos) : "";
        if (op.equals(">") || op.equals(">=") || op.equals("<") || op.equals("<=")) {
          pos++;
          a = new Binary(op, a, additive());
        } else {
          return a;
        }
      }
    }

    Node additive() throws SyntaxError {
      Node a = multiplicative();
      while (true) {
        if (accept("+")) {
          a = new Binary("+", a, multiplicative());
        } else if (accept("-")) {
          a = new Binary("-", a, multiplicative());
        } else {
          return a;
        }
      }
    }

    Node multiplicative() throws SyntaxError {
      Node a = unary();
      while (true) {
        if (accept("*")) {
          a = new Binary("*", a, unary());
        } else if (accept("/")) {
          a = new Binary("/", a, unary());
        } else {
          return a;
        }
      }
    }

    Node unary() throws SyntaxError {
      if (accept("!")) {
        return new Unary('!', unary());
      }
      if (accept("-")) {
        return new Unary('-', unary());
      }
      if (accept("(")) {
        Node n = or();
        if (!accept(")")) {
          throw new SyntaxError("missing ')'");
        }
        return n;
      }
      if (pos >= tokens.size()) {
        throw new SyntaxError("expression ends too soon");
      }
      String t = tokens.get(pos++);
      char c = t.charAt(0);
      if (Character.isDigit(c) || c == '.') {
        try {
          return new Num(Double.parseDouble(t));
        } catch (NumberFormatException e) {
          throw new SyntaxError("bad number " + t);
        }
      }
      if (Character.isLetter(c) || c == '_') {
        names.add(t);
        return new Ref(t);
      }
      throw new SyntaxError("unexpected '" + t + "'");
    }
  }
}
