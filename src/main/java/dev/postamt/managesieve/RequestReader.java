package dev.postamt.managesieve;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one ManageSieve request line (RFC 5804 §4) at a time: a command atom and its arguments, or (in
 * a SASL exchange) just a string. Arguments are quoted strings ({@code "a \"b\""}, only {@code \"} and
 * {@code \\} escaped, no CR or LF), literals ({@code {n+}} CRLF and n octets; the synchronizing
 * {@code {n}} is taken the same way, since ManageSieve has no continuation), numbers and atoms. Strings
 * must be UTF-8. The bytes outside literals are bounded by {@code maxLine}, a literal by {@link
 * #maxLiteral}, which the session raises once the user is logged in.
 */
final class RequestReader {
  /** RFC 5804 §4: number = 1*DIGIT with a value below 4,294,967,296. */
  static final long MAX_NUMBER = 4_294_967_295L;

  sealed interface Arg permits Str, Num, Atom {}

  /** A quoted string or a literal. */
  record Str(String value) implements Arg {}

  record Num(long value) implements Arg {}

  /** A bare word: a command name, or something a client sent unquoted. */
  record Atom(String value) implements Arg {}

  /** Bad syntax; the rest of the line has been read, so the next request starts clean. */
  static final class SyntaxException extends Exception {
    SyntaxException(String message) {
      super(message, null, false, false);
    }
  }

  /** A literal larger than allowed; nothing of it has been read yet. */
  static final class LiteralTooLargeException extends Exception {
    final long size;

    LiteralTooLargeException(long size) {
      super("literal of " + size + " octets is too large", null, false, false);
      this.size = size;
    }
  }

  private final InputStream in;
  private final int maxLine;
  private long maxLiteral;
  private int lineBytes;
  /** Whether the last byte read ended a line (then an error needs no resynchronisation). */
  private boolean atLineStart = true;

  RequestReader(InputStream in, int maxLine, long maxLiteral) {
    this.in = in;
    this.maxLine = maxLine;
    this.maxLiteral = maxLiteral;
  }

  void maxLiteral(long max) {
    this.maxLiteral = max;
  }

  long maxLiteral() {
    return maxLiteral;
  }

  /** The next request's arguments (the command atom first), or null at end of stream before any byte. */
  List<Arg> readLine() throws IOException, SyntaxException, LiteralTooLargeException {
    List<Arg> args = new ArrayList<>();
    lineBytes = 0;
    boolean any = false;
    while (true) {
      int c = next(!any);
      if (c < 0) {
        return null;
      }
      any = true;
      atLineStart = false;
      switch (c) {
        case '\r' -> {
          if (read() != '\n') {
            throw error("CR not followed by LF");
          }
          atLineStart = true;
          return args;
        }
        case '\n' -> {
          atLineStart = true;
          return args;
        }
        case ' ' -> {}
        case '"' -> args.add(new Str(quoted()));
        case '{' -> args.add(new Str(literal()));
        default -> args.add(word(c));
      }
    }
  }

  /**
   * Skips {@code size} octets of a too-large literal and the rest of its line, so the session can refuse
   * it and go on (with a bound: the caller decides whether the amount is worth reading).
   */
  void skipLiteral(long size) throws IOException {
    in.skipNBytes(size);
    discardLine();
  }

  /** Reads to the end of the current line if an error left the reader in its middle. */
  void discardLine() throws IOException {
    if (pending == '\n') {
      atLineStart = true;
    }
    pending = -2;
    while (!atLineStart) {
      int c = in.read();
      if (c < 0 || c == '\n') {
        atLineStart = true;
      }
    }
  }

  private int next(boolean mayEnd) throws IOException, SyntaxException {
    int c;
    if (pending != -2) {
      c = pending;
      pending = -2;
    } else {
      c = in.read();
    }
    if (c < 0) {
      if (mayEnd) {
        return -1;
      }
      throw new EOFException("connection closed in the middle of a request");
    }
    if (++lineBytes > maxLine) {
      throw error("Request line too long (limit " + maxLine + " octets)");
    }
    return c;
  }

  private int read() throws IOException, SyntaxException {
    int c = next(false);
    if (c == '\n') {
      atLineStart = true;
    }
    return c;
  }

  private SyntaxException error(String message) throws IOException {
    discardLine();
    return new SyntaxException(message);
  }

  private String quoted() throws IOException, SyntaxException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = read();
      switch (c) {
        case '"' -> {
          return utf8(b.toByteArray());
        }
        case '\\' -> {
          int e = read();
          if (e != '"' && e != '\\') {
            throw error("Only \\\" and \\\\ may be escaped in a quoted string; use a literal");
          }
          b.write(e);
        }
        case '\r', '\n', 0 -> throw error("A quoted string must not contain CR, LF or NUL; use a literal");
        default -> b.write(c);
      }
    }
  }

  private String literal() throws IOException, SyntaxException, LiteralTooLargeException {
    long n = 0;
    int digits = 0;
    int c;
    while ((c = read()) >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      if (++digits > 10 || n > MAX_NUMBER) {
        throw error("Literal size too large");
      }
    }
    if (c == '+') {
      c = read();
    }
    if (digits == 0 || c != '}') {
      throw error("Malformed literal: expected {NUMBER+}");
    }
    c = read();
    if (c == '\r') {
      c = read();
    }
    if (c != '\n') {
      throw error("A literal's size must be followed by CRLF");
    }
    if (n > maxLiteral) {
      atLineStart = false; // the literal's octets and the rest of the line are still to come
      throw new LiteralTooLargeException(n);
    }
    byte[] body = in.readNBytes((int) n);
    if (body.length < n) {
      throw new EOFException("connection closed in the middle of a literal");
    }
    atLineStart = false;
    return utf8(body);
  }

  private Arg word(int first) throws IOException, SyntaxException {
    StringBuilder b = new StringBuilder();
    b.append((char) first);
    while (true) {
      int c = next(false);
      if (c == ' ' || c == '\r' || c == '\n') {
        pending = c; // the separator or line end is the caller's
        lineBytes--;
        break;
      }
      if (c == '"' || c == '{' || c < 0x21 || c > 0x7e) {
        if (c == '\n') {
          atLineStart = true;
        }
        throw error("Unexpected character in a word; strings must be quoted");
      }
      b.append((char) c);
    }
    if (first < 0x21 || first > 0x7e) {
      throw error("Unexpected character; strings must be quoted");
    }
    String w = b.toString();
    if (w.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      if (w.length() > 10 || Long.parseLong(w) > MAX_NUMBER) {
        throw error("Number too large");
      }
      return new Num(Long.parseLong(w));
    }
    return new Atom(w);
  }

  /** A byte read ahead by {@link #word} and not consumed, or -2. */
  private int pending = -2;

  private String utf8(byte[] bytes) throws IOException, SyntaxException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw error("Strings must be UTF-8");
    }
  }
}
