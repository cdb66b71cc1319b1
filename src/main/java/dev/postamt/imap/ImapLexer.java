package dev.postamt.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexical layer of the IMAP grammar (RFC 3501 §9, RFC 9051 §9) over one command's bytes: atoms,
 * quoted strings, literals, numbers, sequence sets, flags and lists. Every method consumes what it
 * read or throws a BAD {@link ImapException}; none does I/O.
 */
class ImapLexer {
  final byte[] b;
  /** Literals that {@link CommandReader} put in files, by the offset where their bytes would begin. */
  private final java.util.Map<Integer, Literal> spilled;
  int pos;
  int depth;

  ImapLexer(byte[] bytes) {
    this(new CommandBytes(bytes));
  }

  ImapLexer(CommandBytes command) {
    this.b = command.bytes();
    this.spilled = command.spilled();
  }

  String readTag() throws ImapException {
    int start = pos;
    while (pos < b.length && isAstringChar(b[pos]) && b[pos] != '+') {
      pos++;
    }
    if (pos == start) {
      throw ImapException.bad("Missing tag");
    }
    return new String(b, start, pos - start, StandardCharsets.US_ASCII);
  }

  int peek() {
    return pos < b.length ? b[pos] & 0xff : -1;
  }

  boolean peekNil() {
    return pos + 3 <= b.length && new String(b, pos, 3, StandardCharsets.US_ASCII).equalsIgnoreCase("NIL")
        && (pos + 3 == b.length || !isAtomChar(b[pos + 3]));
  }

  boolean peekWord(String w) {
    int n = w.length();
    return pos + n < b.length && new String(b, pos, n, StandardCharsets.US_ASCII).equalsIgnoreCase(w) && b[pos + n] == ' ';
  }

  void sp() throws ImapException {
    if (peek() != ' ') {
      throw ImapException.bad(pos >= b.length ? "Missing arguments" : "Expected space");
    }
    pos++;
  }

  void expect(char c) throws ImapException {
    if (peek() != c) {
      throw ImapException.bad("Expected '" + c + "'");
    }
    pos++;
  }

  interface Part<T> {
    T get() throws ImapException;
  }

  <T> T spThen(Part<T> p) throws ImapException {
    sp();
    return p.get();
  }

  String atom() throws ImapException {
    int start = pos;
    while (pos < b.length && isAtomChar(b[pos])) {
      pos++;
    }
    if (pos == start) {
      throw ImapException.bad(pos >= b.length ? "Missing arguments" : "Expected an atom");
    }
    return new String(b, start, pos - start, StandardCharsets.US_ASCII);
  }

  long number() throws ImapException {
    long n = number0();
    if (n == 0) {
      throw ImapException.bad("Expected a non-zero number");
    }
    return n;
  }

  long number0() throws ImapException {
    int start = pos;
    long v = 0;
    while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
      v = v * 10 + (b[pos] - '0');
      if (v > 0xFFFFFFFFFFFFL) {
        throw ImapException.bad("Number too large");
      }
      pos++;
    }
    if (pos == start) {
      throw ImapException.bad("Expected a number");
    }
    return v;
  }

  SequenceSet sequenceSet() throws ImapException {
    if (peek() == '$') { // RFC 5182: "$" stands alone, never inside a list such as "1,$"
      pos++;
      return SequenceSet.SAVED;
    }
    int start = pos;
    while (pos < b.length && (b[pos] >= '0' && b[pos] <= '9' || b[pos] == ':' || b[pos] == ',' || b[pos] == '*')) {
      pos++;
    }
    SequenceSet s = SequenceSet.parse(new String(b, start, pos - start, StandardCharsets.US_ASCII));
    if (s == null) {
      throw ImapException.bad("Invalid sequence set");
    }
    return s;
  }

  /** astring: atom (with ']' allowed) or string. */
  String astring() throws ImapException {
    int c = peek();
    if (c == '"' || c == '{') {
      return string();
    }
    int start = pos;
    while (pos < b.length && (isAtomChar(b[pos]) || b[pos] == ']')) {
      pos++;
    }
    if (pos == start) {
      throw ImapException.bad(pos >= b.length ? "Missing arguments" : "Expected a string");
    }
    return new String(b, start, pos - start, StandardCharsets.UTF_8);
  }

  String nstring() throws ImapException {
    if (peekNil()) {
      atom();
      return null;
    }
    return string();
  }

  /** list-mailbox: like astring but {@code %} and {@code *} are allowed unquoted. */
  String listMailbox() throws ImapException {
    int c = peek();
    if (c == '"' || c == '{') {
      return string();
    }
    int start = pos;
    while (pos < b.length && (isAtomChar(b[pos]) || b[pos] == ']' || b[pos] == '%' || b[pos] == '*')) {
      pos++;
    }
    if (pos == start) {
      throw ImapException.bad("Expected a mailbox pattern");
    }
    return new String(b, start, pos - start, StandardCharsets.UTF_8);
  }

  /** Quoted string or literal, as UTF-8 text. */
  String string() throws ImapException {
    if (peek() == '"') {
      pos++;
      java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
      while (true) {
        int c = peek();
        if (c < 0 || c == '\r' || c == '\n') {
          throw ImapException.bad("Unterminated quoted string");
        }
        pos++;
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          int e = peek();
          if (e != '\\' && e != '"') {
            throw ImapException.bad("Invalid escape in quoted string");
          }
          pos++;
          c = e;
        }
        o.write(c);
      }
      return utf8OrLatin1(o.toByteArray());
    }
    if (peek() == '{') {
      return new String(literal(), StandardCharsets.UTF_8);
    }
    throw ImapException.bad("Expected a string");
  }

  /**
   * A quoted string's text: UTF-8 (RFC 6855, RFC 9051), else ISO-8859-1. Jakarta/Angus Mail, once it has
   * enabled UTF8=ACCEPT, sends SEARCH strings as ISO-8859-1 octets without CHARSET; read as UTF-8 they
   * would match nothing.
   */
  static String utf8OrLatin1(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  /** {@code {n}CRLF} or {@code {n+}CRLF} (RFC 7888) followed by n bytes; {@code ~{n}} too (RFC 3516). */
  byte[] literal() throws ImapException {
    long n = literalHeader();
    if (spilled.containsKey(pos)) {
      throw ImapException.bad("Literal too large for this argument");
    }
    return literalBytes(n);
  }

  /** A literal that may be large (an APPENDed message): in memory or in the file it was spilled to. */
  Literal largeLiteral() throws ImapException {
    long n = literalHeader();
    Literal l = spilled.get(pos);
    if (l != null && l.size() == n) {
      return l;
    }
    return Literal.of(literalBytes(n));
  }

  private long literalHeader() throws ImapException {
    if (peek() == '~') {
      pos++;
    }
    expect('{');
    long n = number0();
    if (peek() == '+') {
      pos++;
    }
    expect('}');
    if (peek() == '\r') {
      pos++;
    }
    expect('\n');
    return n;
  }

  private byte[] literalBytes(long n) throws ImapException {
    if (n > b.length - pos) {
      throw ImapException.bad("Literal longer than the command");
    }
    byte[] out = new byte[(int) n];
    System.arraycopy(b, pos, out, 0, (int) n);
    pos += (int) n;
    return out;
  }

  List<String> atomList() throws ImapException {
    expect('(');
    List<String> out = new ArrayList<>();
    while (peek() != ')') {
      if (!out.isEmpty()) {
        sp();
      }
      out.add(atom());
    }
    expect(')');
    return out;
  }

  List<String> flagList() throws ImapException {
    expect('(');
    List<String> out = new ArrayList<>();
    while (peek() != ')') {
      if (!out.isEmpty()) {
        sp();
      }
      out.add(flag());
    }
    expect(')');
    return out;
  }

  String flag() throws ImapException {
    if (peek() == '\\') {
      pos++;
      return "\\" + atom();
    }
    return atom();
  }

  static boolean isAtomChar(byte c) {
    return c > ' ' && c != 127 && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"'
        && c != '\\' && c != ']';
  }

  static boolean isAstringChar(byte c) {
    return isAtomChar(c) || c == ']';
  }

  static String printable(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
