package dev.postamt.imap;

import static dev.postamt.imap.ResponseWriter.ascii;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * METADATA (RFC 5464): GETMETADATA and SETMETADATA on mailboxes and on the server (mailbox {@code ""}).
 * Entries live in the account's index ({@link Account#metadata}), so they go with a mailbox through
 * RENAME and away with DELETE. {@code /private} and {@code /shared} are both the user's own: mailboxes
 * are not shared, so no one else can see either. Entry names are case-insensitive and kept in lower
 * case (§3.2). Limits: values of at most {@link #MAX_VALUE} octets ({@code NO [METADATA MAXSIZE n]})
 * and {@link #MAX_ENTRIES} entries per mailbox and for the server ({@code NO [METADATA TOOMANY]}).
 */
final class MetadataCommands {
  static final List<String> CAPABILITIES = List.of("METADATA", "METADATA-SERVER", "LIST-METADATA");
  static final int MAX_VALUE = 64 * 1024;
  static final int MAX_ENTRIES = 200;
  private static final int MAX_NAME = 1024;

  private final ImapSession s;

  MetadataCommands(ImapSession s) {
    this.s = s;
  }

  // ---- parsing (RFC 5464 §5) ----------------------------------------------------------------------

  /**
   * {@code GETMETADATA [SP options] SP mailbox SP entries}; the options are also taken after the
   * mailbox, where the examples of RFC 5464 §4.2 put them (and clients follow the examples).
   */
  static Command parseGet(CommandParser p) throws ImapException {
    p.sp();
    long[] opts = {-1, 0}; // MAXSIZE, DEPTH
    if (p.peek() == '(') {
      options(p, opts);
      p.sp();
    }
    String mailbox = p.astring();
    p.sp();
    if (p.peek() == '(' && p.pos + 1 < p.b.length && Character.isLetter(p.b[p.pos + 1])) {
      options(p, opts);
      p.sp();
    }
    List<String> entries = new ArrayList<>();
    if (p.peek() == '(') {
      p.pos++;
      entries.add(entry(p));
      while (p.peek() == ' ') {
        p.sp();
        entries.add(entry(p));
      }
      p.expect(')');
    } else {
      entries.add(entry(p));
    }
    return new Command.GetMetadata(mailbox, opts[0], (int) opts[1], entries);
  }

  private static void options(CommandParser p, long[] opts) throws ImapException {
    p.expect('(');
    while (true) {
      String opt = p.atom().toUpperCase(Locale.ROOT);
      p.sp();
      switch (opt) {
        case "MAXSIZE" -> opts[0] = p.number0();
        case "DEPTH" -> opts[1] = switch (p.atom().toLowerCase(Locale.ROOT)) {
          case "0" -> 0;
          case "1" -> 1;
          case "infinity" -> -1;
          default -> throw ImapException.bad("DEPTH is 0, 1 or infinity");
        };
        default -> throw ImapException.bad("Unknown GETMETADATA option " + CommandParser.printable(opt));
      }
      if (p.peek() != ' ') {
        break;
      }
      p.sp();
    }
    p.expect(')');
  }

  static Command parseSet(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    p.sp();
    p.expect('(');
    Map<String, byte[]> values = new LinkedHashMap<>();
    while (true) {
      String name = entry(p);
      p.sp();
      byte[] value;
      if (p.peek() == '{' || p.peek() == '~') {
        value = p.literal(); // RFC 5464 §5: literal8 allowed, values are binary
      } else if (p.peekNil()) {
        p.atom();
        value = null;
      } else {
        value = p.string().getBytes(StandardCharsets.UTF_8);
      }
      values.put(name, value);
      if (p.peek() != ' ') {
        break;
      }
      p.sp();
    }
    p.expect(')');
    return new Command.SetMetadata(mailbox, values);
  }

  /**
   * An entry name (RFC 5464 §3.2): under {@code /private/} or {@code /shared/}, no {@code *} or {@code %},
   * no empty component, no trailing slash; printable ASCII. Lower case.
   */
  /** The entries of LIST's {@code RETURN (METADATA (entry *(SP entry)))} (RFC 9590 §3), at least one. */
  static List<String> parseListReturn(CommandParser p) throws ImapException {
    p.sp();
    p.expect('(');
    List<String> entries = new ArrayList<>();
    entries.add(entry(p));
    while (p.peek() == ' ') {
      p.sp();
      entries.add(entry(p));
    }
    p.expect(')');
    return entries;
  }

  private static String entry(CommandParser p) throws ImapException {
    String e = p.astring();
    String lower = e.toLowerCase(Locale.ROOT);
    boolean ok = (lower.startsWith("/private/") || lower.startsWith("/shared/")) && !lower.endsWith("/")
        && !lower.contains("//") && lower.length() <= MAX_NAME;
    for (int i = 0; ok && i < lower.length(); i++) {
      char c = lower.charAt(i);
      ok = c > 0x20 && c < 0x7f && c != '*' && c != '%';
    }
    if (!ok) {
      throw ImapException.bad("Invalid entry name " + CommandParser.printable(e));
    }
    return lower;
  }

  // ---- commands -----------------------------------------------------------------------------------

  String get(Command.GetMetadata c) throws ImapException, IOException {
    long id = mailboxId(c.mailbox());
    SortedMap<String, byte[]> all = s.account.metadata(id);
    Map<String, byte[]> out = new TreeMap<>();
    long longest = -1;
    for (String e : c.entries()) {
      out.putIfAbsent(e, all.get(e)); // an entry asked for by name is NIL when it has no value (as Dovecot)
      if (c.depth() != 0) {
        for (Map.Entry<String, byte[]> x : all.tailMap(e + "/").entrySet()) {
          String k = x.getKey();
          if (!k.startsWith(e + "/")) {
            break;
          }
          if (c.depth() == 1 && k.indexOf('/', e.length() + 1) >= 0) {
            continue;
          }
          out.put(k, x.getValue());
        }
      }
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ascii(o, "* METADATA " + wireMailbox(c.mailbox(), id) + " (");
    boolean first = true;
    for (Map.Entry<String, byte[]> x : out.entrySet()) {
      byte[] v = x.getValue();
      if (v != null && c.maxSize() >= 0 && v.length > c.maxSize()) {
        longest = Math.max(longest, v.length); // RFC 5464 §4.2.1: left out, and said so in the tagged OK
        continue;
      }
      ascii(o, (first ? "" : " ") + x.getKey() + " ");
      first = false;
      if (v != null && BinaryDecoder.hasNul(v, 0, v.length)) {
        ascii(o, "~");
        ResponseWriter.literal(o, v, 0, v.length);
      } else {
        ResponseWriter.nstring(o, v);
      }
    }
    ascii(o, ")\r\n");
    if (!first) {
      s.w.raw(o.toByteArray());
    }
    return (longest >= 0 ? "[METADATA LONGENTRIES " + longest + "] " : "") + "GETMETADATA completed";
  }

  /**
   * The {@code * METADATA} response for one mailbox of {@code LIST … RETURN (METADATA (entries))} (RFC
   * 9590 §3): every entry asked for, NIL when it has no value (as for GETMETADATA).
   */
  static byte[] listResponse(String wireName, SortedMap<String, byte[]> all, List<String> entries) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ascii(o, "* METADATA " + wireName + " (");
    boolean first = true;
    for (String e : new java.util.LinkedHashSet<>(entries)) {
      byte[] v = all.get(e);
      ascii(o, (first ? "" : " ") + e + " ");
      first = false;
      if (v != null && BinaryDecoder.hasNul(v, 0, v.length)) {
        ascii(o, "~");
        ResponseWriter.literal(o, v, 0, v.length);
      } else {
        ResponseWriter.nstring(o, v);
      }
    }
    ascii(o, ")\r\n");
    return o.toByteArray();
  }

  String set(Command.SetMetadata c) throws ImapException {
    long id = mailboxId(c.mailbox());
    for (byte[] v : c.values().values()) {
      if (v != null && v.length > MAX_VALUE) {
        throw ImapException.no("METADATA MAXSIZE " + MAX_VALUE, "Value too long"); // RFC 5464 §4.3
      }
    }
    SortedMap<String, byte[]> now = s.account.metadata(id);
    int count = (int) now.keySet().stream().filter(k -> k.startsWith("/")).count(); // not UrlAuthority's key
    for (Map.Entry<String, byte[]> x : c.values().entrySet()) {
      boolean had = now.containsKey(x.getKey());
      count += x.getValue() == null ? (had ? -1 : 0) : (had ? 0 : 1);
    }
    if (count > MAX_ENTRIES) {
      throw ImapException.no("METADATA TOOMANY", "Too many entries (at most " + MAX_ENTRIES + ")");
    }
    s.account.setMetadata(id, c.values());
    return "SETMETADATA completed";
  }

  private long mailboxId(String wire) throws ImapException {
    if (wire.isEmpty()) {
      return Account.SERVER_METADATA;
    }
    String name = s.mailboxName(wire);
    MailboxInfo box = s.account.mailbox(name)
        .orElseThrow(() -> ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name));
    return box.id();
  }

  private String wireMailbox(String wire, long id) {
    if (id == Account.SERVER_METADATA) {
      return "\"\"";
    }
    return s.account.mailbox(id).map(b -> s.wireName(b.name())).orElse(ResponseWriter.quote(wire));
  }
}
