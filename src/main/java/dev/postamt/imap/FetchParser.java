package dev.postamt.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * FETCH's arguments: the attributes (RFC 3501 §6.4.5) with their sections and partial ranges, BINARY's
 * (RFC 3516 §6), PREVIEW's modifier (RFC 8970 §7) and the FETCH modifiers. Apart from {@link
 * CommandParser} because the attribute grammar is the largest piece of the command grammar and has a
 * second user: NOTIFY's MessageNew event names the attributes to send with each new message ({@link
 * NotifySpec}).
 */
final class FetchParser {
  private FetchParser() {}

  /**
   * {@code fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP
   * fetch-att) ")") [fetch-modifiers]}, with the modifiers of RFC 7162 (CHANGEDSINCE, VANISHED) and RFC
   * 9394 (PARTIAL).
   */
  static Command parse(CommandParser p) throws ImapException {
    p.sp();
    SequenceSet set = p.sequenceSet();
    p.sp();
    List<FetchAttr> attrs = new ArrayList<>();
    boolean macro = false;
    if (p.peek() == '(') {
      p.pos++;
      attrs.addAll(attribute(p));
      while (p.peek() == ' ') {
        p.sp();
        attrs.addAll(attribute(p));
      }
      p.expect(')');
    } else {
      int before = p.pos;
      attrs.addAll(attribute(p));
      macro = attrs.size() > 1 || !new String(p.b, before, p.pos - before, StandardCharsets.US_ASCII).contains("[");
    }
    long changedSince = -1;
    boolean vanished = false;
    PartialRange partial = null;
    if (p.peek() == ' ') {
      p.sp();
      p.expect('(');
      while (true) {
        String m = p.atom();
        if (m.equalsIgnoreCase("CHANGEDSINCE") && changedSince < 0) {
          p.sp();
          changedSince = p.number0();
        } else if (m.equalsIgnoreCase("VANISHED") && !vanished) {
          if (!p.uid) {
            throw ImapException.bad("VANISHED is only allowed with UID FETCH"); // RFC 7162 §3.2.6
          }
          vanished = true;
        } else if (m.equalsIgnoreCase("PARTIAL") && partial == null) { // RFC 9394 §3.2
          p.sp();
          partial = PartialRange.parse(p.atom());
        } else {
          throw ImapException.bad("Unknown FETCH modifier " + CommandParser.printable(m));
        }
        if (p.peek() != ' ') {
          break;
        }
        p.sp();
      }
      p.expect(')');
      if (vanished && changedSince < 0) {
        throw ImapException.bad("VANISHED needs CHANGEDSINCE");
      }
      if (changedSince >= 0
          && attrs.stream().noneMatch(a -> a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.MODSEQ)) {
        attrs.add(new FetchAttr.Simple(FetchAttr.Kind.MODSEQ));
      }
    }
    if (p.uid && attrs.stream().noneMatch(a -> a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.UID)) {
      attrs.addFirst(new FetchAttr.Simple(FetchAttr.Kind.UID));
    }
    return new Command.Fetch(p.uid, set, attrs, macro, changedSince, vanished, partial);
  }

  // ---- fetch attributes (RFC 3501 §6.4.5) ---------------------------------------------------------

  /** One fetch-att, or the attributes a macro (ALL, FAST, FULL) stands for; NOTIFY's MessageNew takes them too. */
  static List<FetchAttr> attribute(CommandParser p) throws ImapException {
    byte[] b = p.b;
    int start = p.pos;
    while (p.pos < b.length && b[p.pos] != ' ' && b[p.pos] != '(' && b[p.pos] != ')' && b[p.pos] != '[' && b[p.pos] > ' ') {
      p.pos++;
    }
    String name = new String(b, start, p.pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    if (p.peek() == '[' && name.startsWith("BINARY")) {
      return List.of(binarySection(p, name));
    }
    if (p.peek() == '[') {
      boolean peek = name.equals("BODY.PEEK");
      if (!peek && !name.equals("BODY")) {
        throw ImapException.bad("Invalid fetch attribute " + CommandParser.printable(name));
      }
      return List.of(section(p, peek));
    }
    return switch (name) {
      case "ALL" -> simple(FetchAttr.Kind.FLAGS, FetchAttr.Kind.INTERNALDATE, FetchAttr.Kind.RFC822_SIZE, FetchAttr.Kind.ENVELOPE);
      case "FAST" -> simple(FetchAttr.Kind.FLAGS, FetchAttr.Kind.INTERNALDATE, FetchAttr.Kind.RFC822_SIZE);
      case "FULL" -> simple(FetchAttr.Kind.FLAGS, FetchAttr.Kind.INTERNALDATE, FetchAttr.Kind.RFC822_SIZE,
          FetchAttr.Kind.ENVELOPE, FetchAttr.Kind.BODY);
      case "FLAGS" -> simple(FetchAttr.Kind.FLAGS);
      case "INTERNALDATE" -> simple(FetchAttr.Kind.INTERNALDATE);
      case "RFC822.SIZE" -> simple(FetchAttr.Kind.RFC822_SIZE);
      case "ENVELOPE" -> simple(FetchAttr.Kind.ENVELOPE);
      case "BODY" -> simple(FetchAttr.Kind.BODY);
      case "BODYSTRUCTURE" -> simple(FetchAttr.Kind.BODYSTRUCTURE);
      case "UID" -> simple(FetchAttr.Kind.UID);
      case "RFC822" -> simple(FetchAttr.Kind.RFC822);
      case "RFC822.HEADER" -> simple(FetchAttr.Kind.RFC822_HEADER);
      case "RFC822.TEXT" -> simple(FetchAttr.Kind.RFC822_TEXT);
      case "MODSEQ" -> simple(FetchAttr.Kind.MODSEQ);
      case "EMAILID" -> simple(FetchAttr.Kind.EMAILID);
      case "THREADID" -> simple(FetchAttr.Kind.THREADID);
      case "SAVEDATE" -> simple(FetchAttr.Kind.SAVEDATE);
      case "PREVIEW" -> previewModifiers(p);
      default -> throw ImapException.bad("Invalid fetch attribute " + CommandParser.printable(name));
    };
  }

  /** RFC 8970 §7: {@code "PREVIEW" [SP "(" "LAZY" *(SP "LAZY") ")"]}; a "(" not holding LAZY is left alone. */
  private static List<FetchAttr> previewModifiers(CommandParser p) throws ImapException {
    byte[] b = p.b;
    int mark = p.pos;
    if (p.peek() == ' ' && p.pos + 1 < b.length && b[p.pos + 1] == '(') {
      p.pos += 2;
      boolean lazy = p.pos + 4 < b.length && new String(b, p.pos, 4, StandardCharsets.US_ASCII).equalsIgnoreCase("LAZY")
          && (b[p.pos + 4] == ' ' || b[p.pos + 4] == ')');
      if (!lazy) {
        p.pos = mark; // FETCH's own modifiers, as in FETCH 1 PREVIEW (CHANGEDSINCE 5)
        return simple(FetchAttr.Kind.PREVIEW);
      }
      p.atom();
      while (p.peek() == ' ') {
        p.sp();
        if (!p.atom().equalsIgnoreCase("LAZY")) {
          throw ImapException.bad("Unknown PREVIEW modifier");
        }
      }
      p.expect(')');
    }
    return simple(FetchAttr.Kind.PREVIEW);
  }

  private static List<FetchAttr> simple(FetchAttr.Kind... kinds) {
    List<FetchAttr> out = new ArrayList<>();
    for (FetchAttr.Kind k : kinds) {
      out.add(new FetchAttr.Simple(k));
    }
    return out;
  }

  /** {@code BINARY[1.2]<0.100>}, BINARY.PEEK, BINARY.SIZE: section-binary is part numbers only (RFC 3516 §6). */
  private static FetchAttr binarySection(CommandParser p, String name) throws ImapException {
    if (!name.equals("BINARY") && !name.equals("BINARY.PEEK") && !name.equals("BINARY.SIZE")) {
      throw ImapException.bad("Invalid fetch attribute " + CommandParser.printable(name));
    }
    p.expect('[');
    List<Integer> part = new ArrayList<>();
    while (p.peek() != ']') {
      if (!part.isEmpty()) {
        p.expect('.');
      }
      long n = p.number();
      if (n > 100_000) {
        throw ImapException.bad("Invalid section");
      }
      part.add((int) n);
    }
    p.expect(']');
    if (name.equals("BINARY.SIZE")) {
      return new FetchAttr.BinarySize(List.copyOf(part));
    }
    Partial r = partial(p);
    return new FetchAttr.Binary(name.equals("BINARY.PEEK"), List.copyOf(part), r.origin(), r.length());
  }

  private static FetchAttr section(CommandParser p, boolean peek) throws ImapException {
    p.expect('[');
    List<Integer> part = new ArrayList<>();
    String spec = "";
    List<String> fields = List.of();
    while (p.peek() >= '1' && p.peek() <= '9') {
      long n = p.number();
      if (n > 100_000) {
        throw ImapException.bad("Invalid section");
      }
      part.add((int) n);
      if (p.peek() != '.') {
        break;
      }
      p.pos++;
    }
    if (p.peek() != ']') {
      byte[] b = p.b;
      int start = p.pos;
      while (p.pos < b.length && b[p.pos] != ']' && b[p.pos] != ' ') {
        p.pos++;
      }
      spec = new String(b, start, p.pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
      switch (spec) {
        case "HEADER", "TEXT" -> {}
        case "MIME" -> {
          if (part.isEmpty()) {
            throw ImapException.bad("MIME needs a part number");
          }
        }
        case "HEADER.FIELDS", "HEADER.FIELDS.NOT" -> {
          p.sp();
          p.expect('(');
          List<String> f = new ArrayList<>();
          f.add(p.astring());
          while (p.peek() == ' ') {
            p.sp();
            f.add(p.astring());
          }
          p.expect(')');
          fields = f;
        }
        default -> throw ImapException.bad("Invalid section " + CommandParser.printable(spec));
      }
    }
    p.expect(']');
    Partial r = partial(p);
    return new FetchAttr.Section(peek, List.copyOf(part), spec, fields, r.origin(), r.length());
  }

  /** The octets asked for; -1 and -1 where the whole section is. */
  private record Partial(long origin, long length) {}

  /** {@code "<" number "." nz-number ">"} after a section (RFC 3501 §9), or nothing. */
  private static Partial partial(CommandParser p) throws ImapException {
    long origin = -1;
    long length = -1;
    if (p.peek() == '<') {
      p.pos++;
      origin = p.number0();
      p.expect('.');
      length = p.number();
      p.expect('>');
    }
    return new Partial(origin, length);
  }
}
