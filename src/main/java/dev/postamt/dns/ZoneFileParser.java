package dev.postamt.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.xbill.DNS.Type;

/**
 * Reads an RFC 1035 §5 master file into records. Written here rather than using dnsjava's {@code
 * Master} because offline test zones carry what real zones never do and the parser must stay faithful
 * to it: TXT strings longer than 255 octets, labels with spaces and other odd characters, raw UTF-8.
 *
 * <p>Understood: {@code $ORIGIN}, {@code $TTL}, {@code $INCLUDE}, {@code @}, relative names (without
 * any {@code $ORIGIN} they are taken as absolute), blank owner meaning "the previous one", TTL and
 * class in either order or left out, parentheses across lines, {@code ;} comments, {@code \DDD} and
 * {@code \X} escapes, RFC 3597 generic {@code TYPEnn \# len hex} data. Records of types the resolver
 * does not answer (SOA, NS, ...) only make their owner name exist.
 */
final class ZoneFileParser {
  /** One record; {@code data} is an InetAddress, String (TXT/SPF text, or a target name), Mx, Tlsa or null. */
  record ZoneRecord(String owner, int type, Object data) {}

  private static final Pattern IP4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern TTL = Pattern.compile("\\d+|(\\d+[smhdwSMHDW])+");
  private static final Pattern CLASS = Pattern.compile("(?i)IN|CH|CS|HS|ANY|CLASS\\d+");
  private static final int MAX_INCLUDE_DEPTH = 8;

  private record Tok(String text, String raw, boolean quoted) {}

  private final String source;
  private final Path baseDir;
  private final List<ZoneRecord> out;
  private final int depth;
  private String origin = "";
  private String lastOwner;

  private ZoneFileParser(String source, Path baseDir, List<ZoneRecord> out, int depth) {
    this.source = source;
    this.baseDir = baseDir;
    this.out = out;
    this.depth = depth;
  }

  static List<ZoneRecord> parse(Path file) throws IOException {
    List<ZoneRecord> out = new ArrayList<>();
    Path dir = file.toAbsolutePath().getParent();
    new ZoneFileParser(file.toString(), dir, out, 0).run(Files.readAllBytes(file));
    return out;
  }

  static List<ZoneRecord> parse(String sourceName, String text) throws IOException {
    List<ZoneRecord> out = new ArrayList<>();
    new ZoneFileParser(sourceName, Path.of("").toAbsolutePath(), out, 0).run(text.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** The bytes become ISO-8859-1 chars so that every byte, escaped or raw, survives to be decoded once. */
  private void run(byte[] bytes) throws IOException {
    Lexer lx = new Lexer(new String(bytes, StandardCharsets.ISO_8859_1));
    while (true) {
      Lexer.Entry e;
      try {
        e = lx.next();
      } catch (IllegalArgumentException ex) {
        throw new IOException(source + ": " + ex.getMessage());
      }
      if (e == null) {
        return;
      }
      try {
        entry(e);
      } catch (IllegalArgumentException ex) {
        throw new IOException(source + ":" + e.line + ": " + ex.getMessage());
      }
    }
  }

  private void entry(Lexer.Entry e) throws IOException {
    List<Tok> t = e.toks;
    Tok first = t.get(0);
    if (!e.leadingBlank && !first.quoted && first.raw.startsWith("$")) {
      directive(first.raw.toUpperCase(Locale.ROOT), t);
      return;
    }
    int i = 0;
    String owner;
    if (e.leadingBlank) {
      if (lastOwner == null) {
        throw new IllegalArgumentException("record without an owner name");
      }
      owner = lastOwner;
    } else {
      owner = name(t.get(i++));
    }
    lastOwner = owner;
    for (int k = 0; k < 2 && i < t.size(); k++) {
      String s = t.get(i).text;
      if (!t.get(i).quoted && (TTL.matcher(s).matches() || CLASS.matcher(s).matches())) {
        i++;
      }
    }
    if (i >= t.size()) {
      throw new IllegalArgumentException("record type missing");
    }
    String typeName = t.get(i++).text.toUpperCase(Locale.ROOT);
    int type = Type.value(typeName);
    if (type < 0) {
      throw new IllegalArgumentException("unknown record type " + typeName);
    }
    List<Tok> rdata = t.subList(i, t.size());
    Object data =
        !rdata.isEmpty() && !rdata.get(0).quoted && rdata.get(0).raw.equals("\\#")
            ? generic(type, rdata)
            : rdata(type, rdata);
    out.add(new ZoneRecord(owner, type, data));
  }

  private void directive(String d, List<Tok> t) throws IOException {
    switch (d) {
      case "$ORIGIN" -> origin = name(arg(t, 1));
      case "$TTL" -> {
        if (!TTL.matcher(arg(t, 1).text).matches()) {
          throw new IllegalArgumentException("bad $TTL " + arg(t, 1).text);
        }
      }
      case "$INCLUDE" -> {
        if (depth >= MAX_INCLUDE_DEPTH) {
          throw new IllegalArgumentException("$INCLUDE nested too deeply");
        }
        Path p = baseDir.resolve(arg(t, 1).text);
        ZoneFileParser inner = new ZoneFileParser(p.toString(), baseDir, out, depth + 1);
        inner.origin = t.size() > 2 ? name(t.get(2)) : origin;
        inner.run(Files.readAllBytes(p));
      }
      default -> throw new IllegalArgumentException("unsupported directive " + d);
    }
  }

  private static Tok arg(List<Tok> t, int i) {
    if (i >= t.size()) {
      throw new IllegalArgumentException(t.get(0).text + " needs an argument");
    }
    return t.get(i);
  }

  private Object rdata(int type, List<Tok> r) {
    return switch (type) {
      case Type.A -> ipv4(one(r, type).text);
      case Type.AAAA -> ipv6(one(r, type).text);
      case Type.MX -> {
        if (r.size() != 2) {
          throw new IllegalArgumentException("MX needs a preference and a host");
        }
        yield new Resolver.Mx(number(r.get(0).text, 65535), name(r.get(1)));
      }
      case Type.SRV -> {
        if (r.size() != 4) {
          throw new IllegalArgumentException("SRV needs priority, weight, port and target");
        }
        yield new Resolver.Srv(number(r.get(0).text, 65535), number(r.get(1).text, 65535), number(r.get(2).text, 65535),
            name(r.get(3)));
      }
      case Type.CNAME, Type.PTR, Type.NS, Type.DNAME -> name(one(r, type));
      case Type.TXT, Type.SPF -> {
        // RFC 7208 §3.3: the strings of one record are joined without a separator; joining the bytes
        // before decoding keeps a UTF-8 sequence split across strings intact.
        StringBuilder latin = new StringBuilder();
        r.forEach(tok -> latin.append(tok.text));
        yield utf8(latin.toString());
      }
      case Type.TLSA -> {
        if (r.size() < 4) {
          throw new IllegalArgumentException("TLSA needs usage, selector, matching type and data");
        }
        StringBuilder hex = new StringBuilder();
        r.subList(3, r.size()).forEach(tok -> hex.append(tok.text));
        yield new Resolver.Tlsa(
            number(r.get(0).text, 255), number(r.get(1).text, 255), number(r.get(2).text, 255), hex(hex.toString()));
      }
      default -> null;
    };
  }

  /** RFC 3597 §5: {@code \# length hex...}. */
  private Object generic(int type, List<Tok> r) {
    if (r.size() < 2) {
      throw new IllegalArgumentException("\\# needs a length");
    }
    int len = number(r.get(1).text, 65535);
    StringBuilder hex = new StringBuilder();
    r.subList(2, r.size()).forEach(tok -> hex.append(tok.text));
    byte[] b = hex(hex.toString());
    if (b.length != len) {
      throw new IllegalArgumentException("\\# length " + len + " but " + b.length + " octets of data");
    }
    try {
      return switch (type) {
        case Type.A, Type.AAAA -> {
          if (b.length != (type == Type.A ? 4 : 16)) {
            throw new IllegalArgumentException("wrong address length");
          }
          yield type == Type.A ? InetAddress.getByAddress(b) : java.net.Inet6Address.getByAddress(null, b, -1);
        }
        case Type.TXT, Type.SPF -> {
          java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
          for (int i = 0; i < b.length; ) {
            int n = b[i] & 0xff;
            if (i + 1 + n > b.length) {
              throw new IllegalArgumentException("character-string runs past the data");
            }
            joined.write(b, i + 1, n);
            i += 1 + n;
          }
          yield new String(joined.toByteArray(), StandardCharsets.UTF_8);
        }
        default -> null;
      };
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static Tok one(List<Tok> r, int type) {
    if (r.size() != 1) {
      throw new IllegalArgumentException(Type.string(type) + " needs exactly one value");
    }
    return r.get(0);
  }

  /** A name from a token: {@code @} is the origin, no trailing dot means relative to the origin. */
  private String name(Tok t) {
    String s = t.text;
    if (!t.quoted && s.equals("@")) {
      return origin;
    }
    if (s.equals(".")) {
      return "";
    }
    boolean absolute = s.endsWith(".") && !t.raw.endsWith("\\.");
    String n = absolute ? s.substring(0, s.length() - 1) : (origin.isEmpty() ? s : s + "." + origin);
    return DnsNames.normalize(utf8(n));
  }

  private static String utf8(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private static InetAddress ipv4(String s) {
    if (!IP4.matcher(s).matches()) {
      throw new IllegalArgumentException("not an IPv4 address: " + s);
    }
    return InetAddress.ofLiteral(s);
  }

  /** Kept as IPv6 even when IPv4-mapped: an AAAA record is an IPv6 address. */
  private static InetAddress ipv6(String s) {
    if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an IPv6 address: " + s);
    }
    try {
      InetAddress a = InetAddress.ofLiteral(s);
      if (a instanceof Inet4Address) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(a.getAddress(), 0, m, 12, 4);
        return java.net.Inet6Address.getByAddress(null, m, -1);
      }
      return a;
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: " + s);
    }
  }

  private static int number(String s, int max) {
    if (!s.matches("\\d{1,9}") || Integer.parseInt(s) > max) {
      throw new IllegalArgumentException("expected a number 0-" + max + ", got " + s);
    }
    return Integer.parseInt(s);
  }

  private static byte[] hex(String s) {
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad hex data");
    }
  }

  /** Splits the text into logical entries: one line, or several joined by parentheses. */
  private static final class Lexer {
    record Entry(List<Tok> toks, boolean leadingBlank, int line) {}

    private final String s;
    private int pos;
    private int line = 1;

    Lexer(String s) {
      this.s = s;
    }

    Entry next() {
      while (pos < s.length()) {
        int startLine = line;
        boolean leadingBlank = s.charAt(pos) == ' ' || s.charAt(pos) == '\t';
        List<Tok> toks = new ArrayList<>();
        int parens = 0;
        while (pos < s.length()) {
          char c = s.charAt(pos);
          if (c == '\n') {
            pos++;
            line++;
            if (parens == 0) {
              break;
            }
          } else if (c == ' ' || c == '\t' || c == '\r') {
            pos++;
          } else if (c == ';') {
            while (pos < s.length() && s.charAt(pos) != '\n') {
              pos++;
            }
          } else if (c == '(') {
            parens++;
            pos++;
          } else if (c == ')') {
            if (--parens < 0) {
              throw new IllegalArgumentException("line " + line + ": unbalanced ')'");
            }
            pos++;
          } else if (c == '"') {
            toks.add(quoted());
          } else {
            toks.add(word());
          }
        }
        if (parens > 0) {
          throw new IllegalArgumentException("line " + startLine + ": '(' never closed");
        }
        if (!toks.isEmpty()) {
          return new Entry(toks, leadingBlank, startLine);
        }
      }
      return null;
    }

    private Tok quoted() {
      int start = pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw new IllegalArgumentException("line " + line + ": unterminated quoted string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return new Tok(sb.toString(), s.substring(start, pos), true);
        }
        if (c == '\n') {
          line++;
        }
        if (c == '\\') {
          escape(sb);
        } else {
          sb.append(c);
          pos++;
        }
      }
    }

    private Tok word() {
      int start = pos;
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"') {
          break;
        }
        if (c == '\\') {
          escape(sb);
        } else {
          sb.append(c);
          pos++;
        }
      }
      return new Tok(sb.toString(), s.substring(start, pos), false);
    }

    /** RFC 1035 §5.1: {@code \DDD} is the octet with that decimal value, {@code \X} is X itself. */
    private void escape(StringBuilder sb) {
      pos++;
      if (pos >= s.length()) {
        throw new IllegalArgumentException("line " + line + ": backslash at end of file");
      }
      if (pos + 2 < s.length()
          && Character.isDigit(s.charAt(pos))
          && Character.isDigit(s.charAt(pos + 1))
          && Character.isDigit(s.charAt(pos + 2))) {
        int v = Integer.parseInt(s.substring(pos, pos + 3));
        if (v > 255) {
          throw new IllegalArgumentException("line " + line + ": escape \\" + v + " is above 255");
        }
        sb.append((char) v);
        pos += 3;
      } else {
        char c = s.charAt(pos++);
        if (c == '\n') {
          line++;
        }
        sb.append(c);
      }
    }
  }
}
