package dev.postamt.imap;

import dev.postamt.imap.Command.StoreMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses one complete command, literals included, from bytes (RFC 3501 §9 / RFC 9051 §9 grammar). The
 * input is what {@link CommandReader} assembled: the command line(s) without the final CRLF, each
 * literal still in its {@code {n}CRLF<n bytes>} wire form. No I/O here, so it can be table-tested and
 * fuzzed; every failure is an {@link ImapException} with status BAD.
 */
public final class CommandParser extends ImapLexer {
  private final SearchParser search = new SearchParser(this);
  private String tag;
  boolean uid;

  public CommandParser(byte[] command) {
    super(command);
  }

  CommandParser(CommandBytes command) {
    super(command);
  }

  /** Parses tag, command name and arguments. */
  public static Command.Tagged parse(byte[] command) throws ImapException {
    return new CommandParser(command).parse();
  }

  public Command.Tagged parse() throws ImapException {
    tag = readTag();
    sp();
    String name = atom();
    if (name.equalsIgnoreCase("UID")) {
      sp();
      name = atom();
      Verb v = Verb.lookup(name);
      if (v == null || !Verb.UID_FORMS.contains(v)) {
        throw ImapException.bad("Unknown UID command " + name);
      }
      uid = true;
      return finish(v);
    }
    Verb v = Verb.lookup(name);
    if (v == null) {
      throw ImapException.bad("Unknown command " + printable(name));
    }
    return finish(v);
  }

  private Command.Tagged finish(Verb v) throws ImapException {
    Command c = v.parse(this);
    if (pos != b.length) {
      throw ImapException.bad("Unexpected characters after " + v);
    }
    return new Command.Tagged(tag, v, c);
  }

  /** The tag, once read; {@code *} before (for BAD replies to lines without a usable tag). */
  public String tag() {
    return tag == null ? "*" : tag;
  }

  // ---- commands ----------------------------------------------------------------------------------

  Command capability() {
    return new Command.Capability();
  }

  Command noop() {
    return new Command.Noop();
  }

  Command logout() {
    return new Command.Logout();
  }

  Command startTls() {
    return new Command.StartTls();
  }

  Command check() {
    return new Command.Check();
  }

  Command close() {
    return new Command.Close();
  }

  Command unselect() {
    return new Command.Unselect();
  }

  Command idle() {
    return new Command.Idle();
  }

  Command namespace() {
    return new Command.Namespace();
  }

  Command login() throws ImapException {
    sp();
    String user = astring();
    sp();
    return new Command.Login(user, astring());
  }

  Command authenticate() throws ImapException {
    sp();
    String mech = atom().toUpperCase(Locale.ROOT);
    Optional<String> ir = Optional.empty();
    if (peek() == ' ') {
      sp();
      int start = pos;
      while (pos < b.length && b[pos] != ' ') {
        pos++;
      }
      ir = Optional.of(new String(b, start, pos - start, StandardCharsets.US_ASCII));
    }
    return new Command.Authenticate(mech, ir);
  }

  Command enable() throws ImapException {
    List<String> caps = new ArrayList<>();
    do {
      sp();
      caps.add(atom());
    } while (peek() == ' ');
    return new Command.Enable(caps);
  }

  Command id() throws ImapException {
    sp();
    List<String> params = new ArrayList<>();
    if (peekNil()) {
      atom();
      return new Command.Id(params);
    }
    expect('(');
    while (peek() != ')') {
      if (!params.isEmpty()) {
        sp();
      }
      params.add(string());
      sp();
      params.add(nstring());
      if (params.size() > 60) {
        throw ImapException.bad("Too many ID parameters");
      }
    }
    expect(')');
    return new Command.Id(params);
  }

  Command select(boolean readOnly) throws ImapException {
    sp();
    String mailbox = astring();
    boolean condstore = false;
    Optional<Command.QresyncParams> qresync = Optional.empty();
    if (peek() == ' ') {
      sp();
      expect('(');
      while (peek() != ')') {
        if (peek() == ' ') {
          sp();
        }
        String p = atom();
        if (p.equalsIgnoreCase("CONDSTORE")) {
          condstore = true;
        } else if (p.equalsIgnoreCase("QRESYNC") && qresync.isEmpty()) {
          sp();
          qresync = Optional.of(qresyncParams());
        } else {
          throw ImapException.bad("Unknown SELECT parameter " + printable(p));
        }
      }
      expect(')');
    }
    return new Command.Select(mailbox, readOnly, condstore, qresync);
  }

  /** RFC 7162 §7: {@code "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"}. */
  private Command.QresyncParams qresyncParams() throws ImapException {
    expect('(');
    long uidValidity = number();
    if (uidValidity > 0xFFFFFFFFL) {
      throw ImapException.bad("Invalid UIDVALIDITY");
    }
    sp();
    long modseq = number0(); // the grammar wants >= 1; a client that never saw a MODSEQ may send 0
    Optional<SequenceSet> known = Optional.empty();
    Optional<SequenceSet> seqs = Optional.empty();
    Optional<SequenceSet> uids = Optional.empty();
    if (peek() == ' ') {
      sp();
      if (peek() != '(') {
        known = Optional.of(explicitSet());
        if (peek() == ' ') {
          sp();
        }
      }
      if (peek() == '(') {
        pos++;
        seqs = Optional.of(explicitSet());
        sp();
        uids = Optional.of(explicitSet());
        expect(')');
        if (count(seqs.get()) != count(uids.get())) {
          throw ImapException.bad("QRESYNC sequence match data: sets differ in size");
        }
      }
    }
    expect(')');
    return new Command.QresyncParams(uidValidity, modseq, known, seqs, uids);
  }

  /** A sequence set without {@code *} or {@code $}, as RFC 7162 wants for known UIDs and match data. */
  private SequenceSet explicitSet() throws ImapException {
    SequenceSet set = sequenceSet();
    if (set.saved() || set.hasStar()) {
      throw ImapException.bad("QRESYNC sets may not contain * or $");
    }
    return set;
  }

  private static long count(SequenceSet set) {
    long n = 0;
    for (SequenceSet.Range r : set.ranges()) {
      n += r.hi(0) - r.lo(0) + 1;
    }
    return n;
  }

  Command create() throws ImapException {
    sp();
    String mailbox = astring();
    List<String> use = new ArrayList<>();
    if (peek() == ' ') {
      sp();
      expect('(');
      String kw = atom();
      if (!kw.equalsIgnoreCase("USE")) {
        throw ImapException.bad("Unknown CREATE parameter " + kw);
      }
      sp();
      use.addAll(flagList());
      expect(')');
    }
    return new Command.Create(mailbox, use);
  }

  Command delete() throws ImapException {
    sp();
    return new Command.Delete(astring());
  }

  Command rename() throws ImapException {
    sp();
    String from = astring();
    sp();
    return new Command.Rename(from, astring());
  }

  Command subscribe(boolean on) throws ImapException {
    sp();
    return new Command.Subscribe(astring(), on);
  }

  Command list(boolean lsub) throws ImapException {
    sp();
    List<String> selection = new ArrayList<>();
    if (!lsub && peek() == '(') {
      selection = atomList();
      sp();
    }
    String ref = astring();
    sp();
    List<String> patterns = new ArrayList<>();
    if (!lsub && peek() == '(') {
      pos++;
      patterns.add(listMailbox());
      while (peek() == ' ') {
        sp();
        patterns.add(listMailbox());
      }
      expect(')');
    } else {
      patterns.add(listMailbox());
    }
    List<String> returns = new ArrayList<>();
    List<String> statusItems = new ArrayList<>();
    List<String> metadataEntries = new ArrayList<>();
    if (!lsub && peek() == ' ') {
      sp();
      String kw = atom();
      if (!kw.equalsIgnoreCase("RETURN")) {
        throw ImapException.bad("Expected RETURN");
      }
      sp();
      expect('(');
      while (peek() != ')') {
        if (!returns.isEmpty()) {
          sp();
        }
        String opt = atom();
        returns.add(opt);
        if (opt.equalsIgnoreCase("STATUS")) {
          sp();
          statusItems.addAll(atomList());
        } else if (opt.equalsIgnoreCase("METADATA") && metadataEntries.isEmpty()) {
          metadataEntries.addAll(MetadataCommands.parseListReturn(this));
        }
      }
      expect(')');
    }
    return new Command.ListMailboxes(ref, patterns, lsub, selection, returns, statusItems, metadataEntries);
  }

  Command status() throws ImapException {
    sp();
    String mailbox = astring();
    sp();
    List<String> items = atomList();
    if (items.isEmpty()) {
      throw ImapException.bad("STATUS needs data items");
    }
    return new Command.Status(mailbox, items);
  }

  Command expunge() throws ImapException {
    if (uid) {
      sp();
      return new Command.Expunge(Optional.of(sequenceSet()));
    }
    return new Command.Expunge(Optional.empty());
  }

  Command search() throws ImapException {
    sp();
    List<String> returns = null;
    if (peekWord("RETURN")) {
      atom();
      sp();
      returns = atomList();
      sp();
    }
    Optional<String> charset = Optional.empty();
    if (peekWord("CHARSET")) {
      atom();
      sp();
      charset = Optional.of(astring());
      sp();
    }
    List<SearchKey> keys = new ArrayList<>();
    keys.add(search.searchKey());
    while (peek() == ' ') {
      sp();
      keys.add(search.searchKey());
    }
    SearchKey k = keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
    return new Command.Search(uid, charset, k, returns);
  }

  Command fetch() throws ImapException {
    sp();
    SequenceSet set = sequenceSet();
    sp();
    List<FetchAttr> attrs = new ArrayList<>();
    boolean macro = false;
    if (peek() == '(') {
      pos++;
      attrs.addAll(fetchAttr());
      while (peek() == ' ') {
        sp();
        attrs.addAll(fetchAttr());
      }
      expect(')');
    } else {
      int before = pos;
      attrs.addAll(fetchAttr());
      macro = attrs.size() > 1 || !new String(b, before, pos - before, StandardCharsets.US_ASCII).contains("[");
    }
    long changedSince = -1;
    boolean vanished = false;
    PartialRange partial = null;
    if (peek() == ' ') {
      sp();
      expect('(');
      while (true) {
        String m = atom();
        if (m.equalsIgnoreCase("CHANGEDSINCE") && changedSince < 0) {
          sp();
          changedSince = number0();
        } else if (m.equalsIgnoreCase("VANISHED") && !vanished) {
          if (!uid) {
            throw ImapException.bad("VANISHED is only allowed with UID FETCH"); // RFC 7162 §3.2.6
          }
          vanished = true;
        } else if (m.equalsIgnoreCase("PARTIAL") && partial == null) { // RFC 9394 §3.2
          sp();
          partial = PartialRange.parse(atom());
        } else {
          throw ImapException.bad("Unknown FETCH modifier " + printable(m));
        }
        if (peek() != ' ') {
          break;
        }
        sp();
      }
      expect(')');
      if (vanished && changedSince < 0) {
        throw ImapException.bad("VANISHED needs CHANGEDSINCE");
      }
      if (changedSince >= 0
          && attrs.stream().noneMatch(a -> a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.MODSEQ)) {
        attrs.add(new FetchAttr.Simple(FetchAttr.Kind.MODSEQ));
      }
    }
    if (uid && attrs.stream().noneMatch(a -> a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.UID)) {
      attrs.addFirst(new FetchAttr.Simple(FetchAttr.Kind.UID));
    }
    return new Command.Fetch(uid, set, attrs, macro, changedSince, vanished, partial);
  }

  Command store() throws ImapException {
    sp();
    SequenceSet set = sequenceSet();
    sp();
    long unchangedSince = -1;
    if (peek() == '(') {
      pos++;
      String m = atom();
      if (!m.equalsIgnoreCase("UNCHANGEDSINCE")) {
        throw ImapException.bad("Unknown STORE modifier " + printable(m));
      }
      sp();
      unchangedSince = number0();
      expect(')');
      sp();
    }
    String item = atom().toUpperCase(Locale.ROOT);
    StoreMode mode = StoreMode.REPLACE;
    if (item.startsWith("+")) {
      mode = StoreMode.ADD;
      item = item.substring(1);
    } else if (item.startsWith("-")) {
      mode = StoreMode.REMOVE;
      item = item.substring(1);
    }
    boolean silent = item.equals("FLAGS.SILENT");
    if (!silent && !item.equals("FLAGS")) {
      throw ImapException.bad("Unknown STORE item " + item);
    }
    sp();
    List<String> flags = new ArrayList<>();
    if (peek() == '(') {
      flags.addAll(flagList());
    } else {
      flags.add(flag());
      while (peek() == ' ') {
        sp();
        flags.add(flag());
      }
    }
    return new Command.Store(uid, set, mode, silent, flags, unchangedSince);
  }

  Command copy(boolean move) throws ImapException {
    sp();
    SequenceSet set = sequenceSet();
    sp();
    return new Command.Copy(uid, set, astring(), move);
  }

  // ---- fetch attributes (RFC 3501 §6.4.5) ---------------------------------------------------------

  List<FetchAttr> fetchAttr() throws ImapException {
    int start = pos;
    while (pos < b.length && b[pos] != ' ' && b[pos] != '(' && b[pos] != ')' && b[pos] != '[' && b[pos] > ' ') {
      pos++;
    }
    String name = new String(b, start, pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    if (peek() == '[' && name.startsWith("BINARY")) {
      return List.of(binarySection(name));
    }
    if (peek() == '[') {
      boolean peek = name.equals("BODY.PEEK");
      if (!peek && !name.equals("BODY")) {
        throw ImapException.bad("Invalid fetch attribute " + printable(name));
      }
      return List.of(section(peek));
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
      case "PREVIEW" -> previewModifiers();
      default -> throw ImapException.bad("Invalid fetch attribute " + printable(name));
    };
  }

  /** RFC 8970 §7: {@code "PREVIEW" [SP "(" "LAZY" *(SP "LAZY") ")"]}; a "(" not holding LAZY is left alone. */
  private List<FetchAttr> previewModifiers() throws ImapException {
    int mark = pos;
    if (peek() == ' ' && pos + 1 < b.length && b[pos + 1] == '(') {
      pos += 2;
      boolean lazy = pos + 4 < b.length && new String(b, pos, 4, StandardCharsets.US_ASCII).equalsIgnoreCase("LAZY")
          && (b[pos + 4] == ' ' || b[pos + 4] == ')');
      if (!lazy) {
        pos = mark; // FETCH's own modifiers, as in FETCH 1 PREVIEW (CHANGEDSINCE 5)
        return simple(FetchAttr.Kind.PREVIEW);
      }
      atom();
      while (peek() == ' ') {
        sp();
        if (!atom().equalsIgnoreCase("LAZY")) {
          throw ImapException.bad("Unknown PREVIEW modifier");
        }
      }
      expect(')');
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
  private FetchAttr binarySection(String name) throws ImapException {
    if (!name.equals("BINARY") && !name.equals("BINARY.PEEK") && !name.equals("BINARY.SIZE")) {
      throw ImapException.bad("Invalid fetch attribute " + printable(name));
    }
    expect('[');
    List<Integer> part = new ArrayList<>();
    while (peek() != ']') {
      if (!part.isEmpty()) {
        expect('.');
      }
      long n = number();
      if (n > 100_000) {
        throw ImapException.bad("Invalid section");
      }
      part.add((int) n);
    }
    expect(']');
    if (name.equals("BINARY.SIZE")) {
      return new FetchAttr.BinarySize(List.copyOf(part));
    }
    long origin = -1;
    long length = -1;
    if (peek() == '<') {
      pos++;
      origin = number0();
      expect('.');
      length = number();
      expect('>');
    }
    return new FetchAttr.Binary(name.equals("BINARY.PEEK"), List.copyOf(part), origin, length);
  }

  private FetchAttr section(boolean peek) throws ImapException {
    expect('[');
    List<Integer> part = new ArrayList<>();
    String spec = "";
    List<String> fields = List.of();
    while (peek() >= '1' && peek() <= '9') {
      long n = number();
      if (n > 100_000) {
        throw ImapException.bad("Invalid section");
      }
      part.add((int) n);
      if (peek() != '.') {
        break;
      }
      pos++;
    }
    if (peek() != ']') {
      int start = pos;
      while (pos < b.length && b[pos] != ']' && b[pos] != ' ') {
        pos++;
      }
      spec = new String(b, start, pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
      switch (spec) {
        case "HEADER", "TEXT" -> {}
        case "MIME" -> {
          if (part.isEmpty()) {
            throw ImapException.bad("MIME needs a part number");
          }
        }
        case "HEADER.FIELDS", "HEADER.FIELDS.NOT" -> {
          sp();
          expect('(');
          List<String> f = new ArrayList<>();
          f.add(astring());
          while (peek() == ' ') {
            sp();
            f.add(astring());
          }
          expect(')');
          fields = f;
        }
        default -> throw ImapException.bad("Invalid section " + printable(spec));
      }
    }
    expect(']');
    long origin = -1;
    long length = -1;
    if (peek() == '<') {
      pos++;
      origin = number0();
      expect('.');
      length = number();
      expect('>');
    }
    return new FetchAttr.Section(peek, List.copyOf(part), spec, fields, origin, length);
  }
}
