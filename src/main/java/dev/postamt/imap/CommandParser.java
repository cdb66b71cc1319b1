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
 * fuzzed; every failure is an {@link ImapException} with status BAD. Here are the tag, the command name
 * and the arguments of the connection and message commands; the larger argument grammars are parsed
 * next to their commands ({@link FetchParser}, {@link SearchParser}, {@link MailboxCommands}, {@link
 * ListCommand} and the other command groups, through {@link Verb}), each on this parser's position.
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

}
