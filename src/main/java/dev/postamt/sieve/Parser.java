package dev.postamt.sieve;

import dev.postamt.sieve.Lexer.Kind;
import dev.postamt.sieve.Lexer.Token;
import dev.postamt.sieve.SyntaxTree.Argument;
import dev.postamt.sieve.SyntaxTree.Node;
import dev.postamt.sieve.SyntaxTree.Position;
import dev.postamt.sieve.SyntaxTree.StringList;
import dev.postamt.sieve.SyntaxTree.StringValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive descent over the grammar of RFC 5228 §8.2. After an error the parser skips to the end of the
 * command ({@code ;} or its block) and goes on, so one upload shows every syntax error, like Pigeonhole.
 */
public final class Parser {
  private final Lexer lexer;
  private final SieveLimits limits;
  private final List<Diagnostic> errors;
  private Token tok;
  private int depth;

  private static final class Abort extends RuntimeException {
    Abort() {
      super(null, null, false, false);
    }
  }

  private Parser(String script, SieveLimits limits, List<Diagnostic> errors) {
    this.lexer = new Lexer(script, limits, errors);
    this.limits = limits;
    this.errors = errors;
  }

  /** Parses a script, or throws with every syntax error found. */
  public static SyntaxTree.Script parse(String script, SieveLimits limits) throws SieveCompileException {
    List<Diagnostic> errors = new ArrayList<>();
    SyntaxTree.Script tree = parse(script, limits, errors);
    if (!errors.isEmpty()) {
      throw new SieveCompileException(errors);
    }
    return tree;
  }

  /** Parses a script, adding errors to {@code errors}; the tree is usable only when none were added. */
  static SyntaxTree.Script parse(String script, SieveLimits limits, List<Diagnostic> errors) {
    if (script.getBytes(StandardCharsets.UTF_8).length > limits.maxScriptBytes()) {
      errors.add(Diagnostic.error(new Position(1, 1),
          "script is too large (more than " + limits.maxScriptBytes() + " bytes)"));
      return new SyntaxTree.Script(List.of());
    }
    Parser p = new Parser(script, limits, errors);
    p.advance();
    List<Node> commands = new ArrayList<>();
    try {
      while (p.tok.kind() != Kind.EOF) {
        if (p.tok.kind() == Kind.RBRACE) {
          p.error(p.tok.at(), "unexpected '}' (no block to close)");
          p.advance();
          continue;
        }
        Node n = p.command();
        if (n != null) {
          commands.add(n);
        }
      }
    } catch (Abort tooMany) {
      // the error list is full
    }
    return new SyntaxTree.Script(List.copyOf(commands));
  }

  private void advance() {
    tok = lexer.next();
    if (errors.size() >= limits.maxErrors()) {
      throw new Abort();
    }
  }

  private void error(Position at, String message) {
    errors.add(Diagnostic.error(at, message));
    if (errors.size() >= limits.maxErrors()) {
      throw new Abort();
    }
  }

  private static String describe(Token t) {
    return switch (t.kind()) {
      case IDENTIFIER -> "identifier '" + t.text() + "'";
      case TAG -> "tag ':" + t.text() + "'";
      case NUMBER -> "number " + t.text();
      case STRING -> "string";
      case EOF -> "end of script";
      default -> "'" + t.text() + "'";
    };
  }

  /** command = identifier arguments (";" / block); returns null after an error (the command is skipped). */
  private Node command() {
    if (tok.kind() != Kind.IDENTIFIER) {
      error(tok.at(), "expected a command, but found " + describe(tok));
      recover();
      return null;
    }
    Token name = tok;
    advance();
    List<Argument> args = new ArrayList<>();
    List<Node> tests = new ArrayList<>();
    if (!arguments(args, tests)) {
      recover();
      return null;
    }
    if (tok.kind() == Kind.SEMICOLON) {
      advance();
      return new Node(name.text().toLowerCase(java.util.Locale.ROOT), List.copyOf(args), List.copyOf(tests), null, name.at());
    }
    if (tok.kind() == Kind.LBRACE) {
      List<Node> block = block();
      return new Node(name.text().toLowerCase(java.util.Locale.ROOT), List.copyOf(args), List.copyOf(tests), block, name.at());
    }
    error(tok.at(), "expected ';' or a block after the arguments of command '" + name.text() + "', but found "
        + describe(tok));
    recover();
    return null;
  }

  private List<Node> block() {
    Position open = tok.at();
    if (++depth > limits.maxNestingDepth()) {
      error(open, "blocks nested too deeply (more than " + limits.maxNestingDepth() + " levels)");
      depth--;
      skipBalanced();
      return List.of();
    }
    advance();
    List<Node> block = new ArrayList<>();
    while (tok.kind() != Kind.RBRACE) {
      if (tok.kind() == Kind.EOF) {
        error(tok.at(), "end of script before the end of the block opened at " + open);
        depth--;
        return List.copyOf(block);
      }
      Node n = command();
      if (n != null) {
        block.add(n);
      }
    }
    advance();
    depth--;
    return List.copyOf(block);
  }

  /** arguments = *argument [ test / test-list ]; false after an error. */
  private boolean arguments(List<Argument> args, List<Node> tests) {
    while (true) {
      switch (tok.kind()) {
        case TAG -> {
          args.add(new SyntaxTree.Tag(tok.text().toLowerCase(java.util.Locale.ROOT), tok.at()));
          advance();
        }
        case NUMBER -> {
          args.add(new SyntaxTree.Number(tok.number(), tok.at()));
          advance();
        }
        case STRING, LBRACKET -> {
          StringList l = stringList();
          if (l == null) {
            return false;
          }
          args.add(l);
        }
        case IDENTIFIER -> {
          Node t = test();
          if (t == null) {
            return false;
          }
          tests.add(t);
          return true;
        }
        case LPAREN -> {
          return testList(tests);
        }
        default -> {
          return true;
        }
      }
    }
  }

  private Node test() {
    Token name = tok;
    if (++depth > limits.maxNestingDepth()) {
      error(name.at(), "tests nested too deeply (more than " + limits.maxNestingDepth() + " levels)");
      depth--;
      return null;
    }
    advance();
    List<Argument> args = new ArrayList<>();
    List<Node> tests = new ArrayList<>();
    boolean ok = arguments(args, tests);
    depth--;
    return ok ? new Node(name.text().toLowerCase(java.util.Locale.ROOT), List.copyOf(args), List.copyOf(tests), null, name.at()) : null;
  }

  private boolean testList(List<Node> tests) {
    Position open = tok.at();
    advance();
    while (true) {
      if (tok.kind() != Kind.IDENTIFIER) {
        error(tok.at(), "expected a test in the test list opened at " + open + ", but found " + describe(tok));
        return false;
      }
      Node t = test();
      if (t == null) {
        return false;
      }
      tests.add(t);
      if (tok.kind() == Kind.COMMA) {
        advance();
      } else if (tok.kind() == Kind.RPAREN) {
        advance();
        return true;
      } else {
        error(tok.at(), "expected ',' or ')' in the test list opened at " + open + ", but found " + describe(tok));
        return false;
      }
    }
  }

  private StringList stringList() {
    Position at = tok.at();
    if (tok.kind() == Kind.STRING) {
      StringValue v = new StringValue(tok.text(), tok.at());
      advance();
      return new StringList(List.of(v), false, at);
    }
    advance();
    List<StringValue> values = new ArrayList<>();
    while (true) {
      if (tok.kind() != Kind.STRING) {
        error(tok.at(), "expected a string in the string list opened at " + at + ", but found " + describe(tok));
        return null;
      }
      values.add(new StringValue(tok.text(), tok.at()));
      advance();
      if (tok.kind() == Kind.COMMA) {
        advance();
      } else if (tok.kind() == Kind.RBRACKET) {
        advance();
        return new StringList(List.copyOf(values), true, at);
      } else {
        error(tok.at(), "expected ',' or ']' in the string list opened at " + at + ", but found " + describe(tok));
        return null;
      }
    }
  }

  /** Skips to after the next ';' or the block that ends the broken command. */
  private void recover() {
    while (true) {
      switch (tok.kind()) {
        case EOF, RBRACE -> {
          return;
        }
        case SEMICOLON -> {
          advance();
          return;
        }
        case LBRACE -> {
          skipBalanced();
          return;
        }
        default -> advance();
      }
    }
  }

  private void skipBalanced() {
    int open = 0;
    do {
      if (tok.kind() == Kind.LBRACE) {
        open++;
      } else if (tok.kind() == Kind.RBRACE) {
        open--;
      } else if (tok.kind() == Kind.EOF) {
        return;
      }
      advance();
    } while (open > 0);
  }
}
