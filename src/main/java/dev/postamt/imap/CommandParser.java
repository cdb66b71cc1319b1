package dev.postamt.imap;

import dev.postamt.imap.Command.StoreMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
public final class CommandParser {
  private static final int MAX_DEPTH = 100;

  private final byte[] b;
  private int pos;
  private String tag;
  boolean uid;
  private int depth;

  public CommandParser(byte[] command) {
    this.b = command;
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
        } else {
          throw ImapException.bad("Unknown SELECT parameter " + p);
        }
      }
      expect(')');
    }
    return new Command.Select(mailbox, readOnly, condstore);
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
    if (!lsub && peek() == ' ') {
      sp();
      String kw = atom();
      if (!kw.equalsIgnoreCase("RETURN")) {
        throw ImapException.bad("Expected RETURN");
      }
      sp();
      returns = atomList();
    }
    return new Command.ListMailboxes(ref, patterns, lsub, selection, returns);
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

  Command append() throws ImapException {
    sp();
    String mailbox = astring();
    sp();
    List<String> flags = List.of();
    if (peek() == '(') {
      flags = flagList();
      sp();
    }
    Optional<ZonedDateTime> date = Optional.empty();
    if (peek() == '"') {
      date = Optional.of(dateTime(string()));
      sp();
    }
    if (peek() != '{' && peek() != '~') {
      throw ImapException.bad("APPEND needs a literal");
    }
    return new Command.Append(mailbox, flags, date, literal());
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
    keys.add(searchKey());
    while (peek() == ' ') {
      sp();
      keys.add(searchKey());
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
    if (peek() == ' ') {
      sp();
      expect('(');
      String m = atom();
      if (!m.equalsIgnoreCase("CHANGEDSINCE")) {
        throw ImapException.bad("Unknown FETCH modifier " + printable(m));
      }
      sp();
      changedSince = number0();
      expect(')');
      if (attrs.stream().noneMatch(a -> a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.MODSEQ)) {
        attrs.add(new FetchAttr.Simple(FetchAttr.Kind.MODSEQ));
      }
    }
    if (uid && attrs.stream().noneMatch(a -> a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.UID)) {
      attrs.addFirst(new FetchAttr.Simple(FetchAttr.Kind.UID));
    }
    return new Command.Fetch(uid, set, attrs, macro, changedSince);
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

  // ---- search keys (RFC 3501 §6.4.4) -------------------------------------------------------------

  SearchKey searchKey() throws ImapException {
    if (++depth > MAX_DEPTH) {
      throw ImapException.bad("Search too deeply nested");
    }
    try {
      if (peek() == '(') {
        pos++;
        List<SearchKey> keys = new ArrayList<>();
        keys.add(searchKey());
        while (peek() == ' ') {
          sp();
          keys.add(searchKey());
        }
        expect(')');
        return keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
      }
      int c = peek();
      if ((c >= '0' && c <= '9') || c == '*') {
        return new SearchKey.Sequence(sequenceSet(), false);
      }
      String k = atom().toUpperCase(Locale.ROOT);
      return switch (k) {
        case "ALL" -> new SearchKey.All();
        case "ANSWERED" -> new SearchKey.Flag("\\Answered", true);
        case "DELETED" -> new SearchKey.Flag("\\Deleted", true);
        case "DRAFT" -> new SearchKey.Flag("\\Draft", true);
        case "FLAGGED" -> new SearchKey.Flag("\\Flagged", true);
        case "SEEN" -> new SearchKey.Flag("\\Seen", true);
        case "RECENT" -> new SearchKey.Flag("\\Recent", true);
        case "UNANSWERED" -> new SearchKey.Flag("\\Answered", false);
        case "UNDELETED" -> new SearchKey.Flag("\\Deleted", false);
        case "UNDRAFT" -> new SearchKey.Flag("\\Draft", false);
        case "UNFLAGGED" -> new SearchKey.Flag("\\Flagged", false);
        case "UNSEEN" -> new SearchKey.Flag("\\Seen", false);
        case "NEW" -> new SearchKey.New();
        case "OLD" -> new SearchKey.Old();
        case "KEYWORD" -> new SearchKey.Flag(spThen(this::flag), true);
        case "UNKEYWORD" -> new SearchKey.Flag(spThen(this::flag), false);
        case "BCC", "CC", "FROM", "TO", "SUBJECT" -> new SearchKey.Header(k, spThen(this::astring));
        case "HEADER" -> {
          String field = spThen(this::astring);
          yield new SearchKey.Header(field, spThen(this::astring));
        }
        case "BODY" -> new SearchKey.Text(true, spThen(this::astring));
        case "TEXT" -> new SearchKey.Text(false, spThen(this::astring));
        case "LARGER" -> new SearchKey.Size(true, spThen(this::number));
        case "SMALLER" -> new SearchKey.Size(false, spThen(this::number));
        case "BEFORE" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateOp.BEFORE);
        case "ON" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateOp.ON);
        case "SINCE" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateOp.SINCE);
        case "SENTBEFORE" -> date(SearchKey.DateField.SENT, SearchKey.DateOp.BEFORE);
        case "SENTON" -> date(SearchKey.DateField.SENT, SearchKey.DateOp.ON);
        case "SENTSINCE" -> date(SearchKey.DateField.SENT, SearchKey.DateOp.SINCE);
        case "UID" -> new SearchKey.Sequence(spThen(this::sequenceSet), true);
        case "NOT" -> new SearchKey.Not(spThen(this::searchKey));
        case "OR" -> {
          SearchKey a = spThen(this::searchKey);
          yield new SearchKey.Or(a, spThen(this::searchKey));
        }
        case "MODSEQ" -> {
          sp();
          if (peek() == '"') {
            string();
            sp();
            atom();
            sp();
          }
          yield new SearchKey.ModSeq(number());
        }
        default -> throw ImapException.bad("Unknown search key " + printable(k));
      };
    } finally {
      depth--;
    }
  }

  private SearchKey date(SearchKey.DateField f, SearchKey.DateOp op) throws ImapException {
    sp();
    String s = peek() == '"' ? string() : atom();
    return new SearchKey.Date(f, op, searchDate(s));
  }

  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

  static LocalDate searchDate(String s) throws ImapException {
    String[] p = s.split("-");
    try {
      if (p.length == 3 && p[0].length() <= 2 && p[2].length() == 4) {
        int m = MONTHS.indexOf(p[1].toLowerCase(Locale.ROOT));
        if (m >= 0) {
          return LocalDate.of(Integer.parseInt(p[2]), m + 1, Integer.parseInt(p[0]));
        }
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw ImapException.bad("Invalid date " + printable(s));
  }

  /** {@code "dd-Mon-yyyy hh:mm:ss +zzzz"} (RFC 3501 date-time; day may be space-padded). */
  static ZonedDateTime dateTime(String s) throws ImapException {
    try {
      if (s.length() == 26 && s.charAt(11) == ' ' && s.charAt(20) == ' ') {
        LocalDate d = searchDate(s.substring(0, 11).strip());
        int hh = Integer.parseInt(s.substring(12, 14));
        int mm = Integer.parseInt(s.substring(15, 17));
        int ss = Integer.parseInt(s.substring(18, 20));
        String z = s.substring(21);
        int zh = Integer.parseInt(z.substring(1, 3));
        int zm = Integer.parseInt(z.substring(3, 5));
        if ((z.charAt(0) == '+' || z.charAt(0) == '-') && zm < 60) {
          ZoneOffset off = ZoneOffset.ofTotalSeconds((zh * 3600 + zm * 60) * (z.charAt(0) == '-' ? -1 : 1));
          return ZonedDateTime.of(d.getYear(), d.getMonthValue(), d.getDayOfMonth(), hh, mm, ss, 0, off);
        }
      }
    } catch (RuntimeException | ImapException e) {
      // fall through
    }
    throw ImapException.bad("Invalid date-time " + printable(s));
  }

  // ---- fetch attributes (RFC 3501 §6.4.5) ---------------------------------------------------------

  List<FetchAttr> fetchAttr() throws ImapException {
    int start = pos;
    while (pos < b.length && b[pos] != ' ' && b[pos] != '(' && b[pos] != ')' && b[pos] != '[' && b[pos] > ' ') {
      pos++;
    }
    String name = new String(b, start, pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
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
      default -> throw ImapException.bad("Invalid fetch attribute " + printable(name));
    };
  }

  private static List<FetchAttr> simple(FetchAttr.Kind... kinds) {
    List<FetchAttr> out = new ArrayList<>();
    for (FetchAttr.Kind k : kinds) {
      out.add(new FetchAttr.Simple(k));
    }
    return out;
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

  // ---- lexical ------------------------------------------------------------------------------------

  private String readTag() throws ImapException {
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

  private boolean peekNil() {
    return pos + 3 <= b.length && new String(b, pos, 3, StandardCharsets.US_ASCII).equalsIgnoreCase("NIL")
        && (pos + 3 == b.length || !isAtomChar(b[pos + 3]));
  }

  private boolean peekWord(String w) {
    int n = w.length();
    return pos + n < b.length && new String(b, pos, n, StandardCharsets.US_ASCII).equalsIgnoreCase(w) && b[pos + n] == ' ';
  }

  void sp() throws ImapException {
    if (peek() != ' ') {
      throw ImapException.bad(pos >= b.length ? "Missing arguments" : "Expected space");
    }
    pos++;
  }

  private void expect(char c) throws ImapException {
    if (peek() != c) {
      throw ImapException.bad("Expected '" + c + "'");
    }
    pos++;
  }

  private interface Part<T> {
    T get() throws ImapException;
  }

  private <T> T spThen(Part<T> p) throws ImapException {
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

  private long number0() throws ImapException {
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

  private String nstring() throws ImapException {
    if (peekNil()) {
      atom();
      return null;
    }
    return string();
  }

  /** list-mailbox: like astring but {@code %} and {@code *} are allowed unquoted. */
  private String listMailbox() throws ImapException {
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
      return o.toString(StandardCharsets.UTF_8);
    }
    if (peek() == '{') {
      return new String(literal(), StandardCharsets.UTF_8);
    }
    throw ImapException.bad("Expected a string");
  }

  /** {@code {n}CRLF} or {@code {n+}CRLF} (RFC 7888) followed by n bytes; {@code ~{n}} too (RFC 3516). */
  byte[] literal() throws ImapException {
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
    if (n > b.length - pos) {
      throw ImapException.bad("Literal longer than the command");
    }
    byte[] out = new byte[(int) n];
    System.arraycopy(b, pos, out, 0, (int) n);
    pos += (int) n;
    return out;
  }

  private List<String> atomList() throws ImapException {
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
