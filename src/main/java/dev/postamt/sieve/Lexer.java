package dev.postamt.sieve;

import dev.postamt.sieve.SyntaxTree.Position;
import java.util.List;

/**
 * The tokens of RFC 5228 §8.1: identifiers, tags, numbers with K/M/G, quoted strings with backslash
 * escapes, {@code text:} multi-line strings with dot-unstuffing, and punctuation; white space, hash
 * comments and bracket comments are skipped. Lexical errors are recorded and the lexer carries on, so a
 * script with several mistakes reports them all.
 */
final class Lexer {
  enum Kind { IDENTIFIER, TAG, NUMBER, STRING, LBRACKET, RBRACKET, LBRACE, RBRACE, LPAREN, RPAREN, COMMA, SEMICOLON, EOF }

  record Token(Kind kind, String text, long number, Position at) {}

  /** Pigeonhole's limit on identifier length (sieve-lexer.c). */
  static final int MAX_IDENTIFIER = 32;

  private final String s;
  private final SieveLimits limits;
  private final List<Diagnostic> errors;
  private int pos;
  private int line = 1;
  private int lineStart;

  Lexer(String script, SieveLimits limits, List<Diagnostic> errors) {
    this.s = script;
    this.limits = limits;
    this.errors = errors;
  }

  private Position here() {
    return new Position(line, pos - lineStart + 1);
  }

  private void error(Position at, String message) {
    errors.add(Diagnostic.error(at, message));
  }

  private void newline() {
    line++;
    lineStart = pos;
  }

  Token next() {
    while (true) {
      skipSpaceAndComments();
      if (pos >= s.length()) {
        return new Token(Kind.EOF, "", 0, here());
      }
      Position at = here();
      char c = s.charAt(pos);
      switch (c) {
        case '[' -> { pos++; return new Token(Kind.LBRACKET, "[", 0, at); }
        case ']' -> { pos++; return new Token(Kind.RBRACKET, "]", 0, at); }
        case '{' -> { pos++; return new Token(Kind.LBRACE, "{", 0, at); }
        case '}' -> { pos++; return new Token(Kind.RBRACE, "}", 0, at); }
        case '(' -> { pos++; return new Token(Kind.LPAREN, "(", 0, at); }
        case ')' -> { pos++; return new Token(Kind.RPAREN, ")", 0, at); }
        case ',' -> { pos++; return new Token(Kind.COMMA, ",", 0, at); }
        case ';' -> { pos++; return new Token(Kind.SEMICOLON, ";", 0, at); }
        case '"' -> { return quoted(at); }
        case ':' -> {
          pos++;
          int start = pos;
          while (pos < s.length() && isIdentifierChar(s.charAt(pos), pos == start)) {
            pos++;
          }
          if (pos == start) {
            error(at, "unexpected character ':' (a tag must be ':' followed by an identifier)");
            continue;
          }
          if (pos - start > MAX_IDENTIFIER) {
            error(at, "unexpected tag: ':" + s.substring(start, start + 16) + "...' is too long");
          }
          return new Token(Kind.TAG, s.substring(start, pos), 0, at);
        }
        default -> {
          if (c >= '0' && c <= '9') {
            return number(at);
          }
          if (isIdentifierChar(c, true)) {
            int start = pos;
            while (pos < s.length() && isIdentifierChar(s.charAt(pos), false)) {
              pos++;
            }
            String word = s.substring(start, pos);
            if (word.length() > MAX_IDENTIFIER) {
              error(at, "unexpected identifier: '" + word.substring(0, 16) + "...' is too long");
            }
            if (word.equalsIgnoreCase("text") && pos < s.length() && s.charAt(pos) == ':') {
              pos++;
              return multiline(at);
            }
            return new Token(Kind.IDENTIFIER, word, 0, at);
          }
          pos++;
          error(at, "unexpected character " + describe(c));
        }
      }
    }
  }

  private static String describe(char c) {
    return c < 0x20 || c == 0x7f ? String.format("0x%02x", (int) c) : "'" + c + "'";
  }

  private static boolean isIdentifierChar(char c, boolean first) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || !first && c >= '0' && c <= '9';
  }

  private void skipSpaceAndComments() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\n') {
        pos++;
        newline();
      } else if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '#') {
        while (pos < s.length() && s.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '/' && pos + 1 < s.length() && s.charAt(pos + 1) == '*') {
        Position at = here();
        pos += 2;
        boolean closed = false;
        while (pos < s.length()) {
          if (s.charAt(pos) == '*' && pos + 1 < s.length() && s.charAt(pos + 1) == '/') {
            pos += 2;
            closed = true;
            break;
          }
          if (s.charAt(pos++) == '\n') {
            newline();
          }
        }
        if (!closed) {
          error(at, "end of file before end of bracket comment ('/* ... */')");
        }
      } else {
        return;
      }
    }
  }

  private Token number(Position at) {
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
      pos++;
    }
    String digits = s.substring(start, pos);
    // Numbers are unsigned 64-bit as in Pigeonhole; beyond the signed range they saturate (no size or
    // count gets there).
    long value;
    boolean tooLarge = false;
    try {
      value = Long.parseUnsignedLong(digits);
    } catch (NumberFormatException e) {
      value = -1;
      tooLarge = true;
    }
    int shift = 0;
    if (pos < s.length()) {
      switch (Character.toUpperCase(s.charAt(pos))) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        default -> shift = -1;
      }
      if (shift >= 0) {
        pos++;
      } else {
        shift = 0;
      }
    }
    // Pigeonhole keeps numbers in 64 bits; a larger value is an error rather than a silent wrap.
    if (tooLarge || shift > 0 && Long.compareUnsigned(value, -1L >>> shift) > 0) {
      error(at, "number is too large");
      value = Long.MAX_VALUE;
    } else {
      value = value < 0 ? Long.MAX_VALUE : value << shift;
      value = value < 0 ? Long.MAX_VALUE : value;
    }
    if (pos < s.length() && isIdentifierChar(s.charAt(pos), true)) {
      error(here(), "unexpected character '" + s.charAt(pos) + "' after number");
      while (pos < s.length() && isIdentifierChar(s.charAt(pos), false)) {
        pos++;
      }
    }
    return new Token(Kind.NUMBER, digits, value, at);
  }

  private Token quoted(Position at) {
    pos++;
    StringBuilder b = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return string(at, b);
      }
      if (c == '\\' && pos < s.length()) {
        // RFC 5228 §2.4.2: a backslash quotes the next character, whatever it is.
        c = s.charAt(pos++);
      }
      if (c == '\n') {
        newline();
        if (b.isEmpty() || b.charAt(b.length() - 1) != '\r') {
          b.append('\r'); // line breaks in strings are CRLF (RFC 5228 §2.4.2)
        }
      }
      b.append(c);
    }
    error(at, "end of file before end of quoted string");
    return string(at, b);
  }

  private Token multiline(Position at) {
    // RFC 5228 §8.1: "text:" *(SP / HTAB) (hash-comment / CRLF)
    while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
    if (pos < s.length() && s.charAt(pos) == '#') {
      while (pos < s.length() && s.charAt(pos) != '\n') {
        pos++;
      }
    }
    if (pos < s.length() && s.charAt(pos) == '\r') {
      pos++;
    }
    if (pos >= s.length() || s.charAt(pos) != '\n') {
      error(here(), "invalid character after text: in multi-line string (expected a line break)");
      while (pos < s.length() && s.charAt(pos) != '\n') {
        pos++;
      }
      if (pos >= s.length()) {
        return string(at, new StringBuilder());
      }
    }
    pos++;
    newline();
    StringBuilder b = new StringBuilder();
    while (pos < s.length()) {
      int eol = s.indexOf('\n', pos);
      int end = eol < 0 ? s.length() : eol;
      int content = end > pos && s.charAt(end - 1) == '\r' ? end - 1 : end;
      if (content - pos == 1 && s.charAt(pos) == '.') {
        pos = eol < 0 ? s.length() : eol + 1;
        if (eol >= 0) {
          newline();
        }
        return string(at, b);
      }
      int from = pos;
      if (s.charAt(pos) == '.' && pos + 1 < content && s.charAt(pos + 1) == '.') {
        from++; // dot-unstuffing
      }
      b.append(s, from, content).append("\r\n");
      if (eol < 0) {
        pos = s.length();
        break;
      }
      pos = eol + 1;
      newline();
    }
    error(at, "end of file before end of multi-line string");
    return string(at, b);
  }

  private Token string(Position at, StringBuilder b) {
    if (b.length() > limits.maxStringLength()) {
      error(at, "string is too long (more than " + limits.maxStringLength() + " characters)");
      b.setLength(0);
    }
    return new Token(Kind.STRING, b.toString(), 0, at);
  }
}
