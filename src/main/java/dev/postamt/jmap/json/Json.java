package dev.postamt.jmap.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259, with the I-JSON restrictions of RFC 7493 that JMAP asks for in RFC
 * 8620 §1.5: UTF-8 only, no duplicate member names, no unpaired surrogates) and a writer.
 *
 * <p>Values are plain Java: {@link Map} (insertion-ordered) for objects, {@link List} for arrays, {@link
 * String}, {@link Long} for integers that fit, {@link Double} for other numbers, {@link Boolean}, and
 * {@code null}. Input is bounded by nesting depth and, by the caller, its size; a bad document is a
 * {@link JsonException} with the offset, never anything else.
 */
public final class Json {
  /** Nesting deeper than this is refused (a JMAP request needs a handful of levels). */
  public static final int MAX_DEPTH = 64;

  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  /** Parses one JSON text from UTF-8 bytes; anything after it other than white space is an error. */
  public static Object parse(byte[] utf8) throws JsonException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new JsonException("not UTF-8", 0);
    }
    return parse(text);
  }

  public static Object parse(String text) throws JsonException {
    Json p = new Json(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return v;
  }

  private Object value(int depth) throws JsonException {
    if (i >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character '" + printable(c) + "'");
      }
    };
  }

  private Map<String, Object> object(int depth) throws JsonException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    i++; // {
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (peek() == '}') {
      i++;
      return m;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      int at = i;
      String name = string();
      ws();
      expect(':');
      ws();
      Object v = value(depth);
      if (m.containsKey(name)) {
        i = at;
        throw error("duplicate member name \"" + name + "\"");
      }
      m.put(name, v);
      ws();
      char c = peek();
      i++;
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws JsonException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    i++; // [
    List<Object> l = new ArrayList<>();
    ws();
    if (peek() == ']') {
      i++;
      return l;
    }
    while (true) {
      ws();
      l.add(value(depth));
      ws();
      char c = peek();
      i++;
      if (c == ']') {
        return l;
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws JsonException {
    i++; // "
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        break;
      }
      if (c < 0x20) {
        i--;
        throw error("control character in a string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> b.append(hex4());
        default -> {
          i--;
          throw error("bad escape '\\" + printable(e) + "'");
        }
      }
    }
    String out = b.toString();
    for (int k = 0; k < out.length(); k++) { // RFC 7493 §2.1: no unpaired surrogates
      char c = out.charAt(k);
      if (Character.isHighSurrogate(c) && k + 1 < out.length() && Character.isLowSurrogate(out.charAt(k + 1))) {
        k++;
      } else if (Character.isSurrogate(c)) {
        throw error("unpaired surrogate in a string");
      }
    }
    return out;
  }

  private char hex4() throws JsonException {
    if (i + 4 > s.length()) {
      throw error("short \\u escape");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(s.charAt(i + k), 16);
      if (d < 0) {
        throw error("bad \\u escape");
      }
      v = v * 16 + d;
    }
    i += 4;
    return (char) v;
  }

  private Object number() throws JsonException {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') {
        i++;
      }
    } else {
      throw error("bad number");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      i++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits();
    }
    String t = s.substring(start, i);
    if (integral && t.length() <= 18) {
      return Long.parseLong(t);
    }
    double d = Double.parseDouble(t);
    if (Double.isInfinite(d)) {
      i = start;
      throw error("number out of range");
    }
    if (integral) {
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        return d;
      }
    }
    return d;
  }

  private void digits() throws JsonException {
    if (!(peek() >= '0' && peek() <= '9')) {
      throw error("bad number");
    }
    while (peek() >= '0' && peek() <= '9') {
      i++;
    }
  }

  private Object literal(String word, Object v) throws JsonException {
    if (!s.startsWith(word, i)) {
      throw error("unexpected word");
    }
    i += word.length();
    return v;
  }

  private void expect(char c) throws JsonException {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    i++;
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private JsonException error(String what) {
    return new JsonException(what, i);
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  // ---- writing

  /** The JSON text of a value made of the types this class reads (and Integer, Set, Collection). */
  public static String write(Object v) {
    StringBuilder b = new StringBuilder();
    write(v, b);
    return b.toString();
  }

  public static byte[] bytes(Object v) {
    return write(v).getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static void write(Object v, StringBuilder b) {
    switch (v) {
      case null -> b.append("null");
      case String str -> quote(str, b);
      case Boolean bool -> b.append(bool);
      case Long l -> b.append(l);
      case Integer n -> b.append(n);
      case Double d -> {
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("not a JSON number: " + d);
        }
        b.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) (double) d) : d.toString());
      }
      case Map<?, ?> m -> {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            b.append(',');
          }
          first = false;
          quote(String.valueOf(e.getKey()), b);
          b.append(':');
          write(e.getValue(), b);
        }
        b.append('}');
      }
      case Iterable<?> l -> {
        b.append('[');
        boolean first = true;
        for (Object o : l) {
          if (!first) {
            b.append(',');
          }
          first = false;
          write(o, b);
        }
        b.append(']');
      }
      default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          // control characters, and U+2028/2029 so the text is also safe inside a script
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || (Character.isSurrogate(c) && !paired(s, k))) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static boolean paired(String s, int k) {
    char c = s.charAt(k);
    if (Character.isHighSurrogate(c)) {
      return k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1));
    }
    return k > 0 && Character.isHighSurrogate(s.charAt(k - 1));
  }
}
