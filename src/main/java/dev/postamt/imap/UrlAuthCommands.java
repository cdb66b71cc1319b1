package dev.postamt.imap;

import static dev.postamt.imap.ResponseWriter.ascii;

import dev.postamt.store.MailboxInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RESETKEY, GENURLAUTH and URLFETCH (RFC 4467 §7), URLFETCH with the extended items of URLAUTH=BINARY
 * (RFC 5524: {@code BODY}, {@code BINARY}, {@code BODYPARTSTRUCTURE}), and {@code ;PARTIAL=} in URLs
 * (URL-PARTIAL, RFC 5550 §5). The keys and the checking of URLs are {@link UrlAuthority}'s.
 *
 * <p>A URL that cannot be fetched answers {@code * URLFETCH url NIL}, as RFC 4467 §7 wants (the
 * command itself is OK), followed by {@code * NO [BADURL url] why}: a changed URL, an expired one, one
 * for another user or for the submission server, a message no longer there.
 */
final class UrlAuthCommands {
  static final List<String> CAPABILITIES = List.of("URLAUTH", "URLAUTH=BINARY", "URL-PARTIAL");
  /** RFC 4467 §8 URLMECH: the mechanisms, in SELECT's and RESETKEY's OK. */
  static final String URLMECH = "URLMECH " + UrlAuthority.MECHANISM;
  private static final int MAX_URLS = 100;

  private final ImapSession s;
  private UrlAuthority authority;

  UrlAuthCommands(ImapSession s) {
    this.s = s; // made before the session has its store: the authority comes at first use
  }

  private UrlAuthority authority() {
    if (authority == null) {
      authority = new UrlAuthority(s.store);
    }
    return authority;
  }

  // ---- parsing ------------------------------------------------------------------------------------

  /** {@code RESETKEY [SP mailbox *(SP mechanism)]}. */
  static Command parseResetKey(CommandParser p) throws ImapException {
    if (p.peek() != ' ') {
      return new Command.ResetKey(null, List.of());
    }
    p.sp();
    String mailbox = p.astring();
    List<String> mechanisms = new ArrayList<>();
    while (p.peek() == ' ') {
      p.sp();
      mechanisms.add(p.atom().toUpperCase(Locale.ROOT));
    }
    return new Command.ResetKey(mailbox, mechanisms);
  }

  /** {@code GENURLAUTH 1*(SP url-rump SP mechanism)}. */
  static Command parseGenUrlAuth(CommandParser p) throws ImapException {
    List<String> urls = new ArrayList<>();
    List<String> mechanisms = new ArrayList<>();
    do {
      p.sp();
      urls.add(p.astring());
      p.sp();
      mechanisms.add(p.atom().toUpperCase(Locale.ROOT));
      if (urls.size() > MAX_URLS) {
        throw ImapException.bad("Too many URLs in one command");
      }
    } while (p.peek() == ' ');
    return new Command.GenUrlAuth(urls, mechanisms);
  }

  /** {@code URLFETCH 1*(SP (url / "(" url *(SP fetch-param) ")"))} (RFC 4467, RFC 5524 §3). */
  static Command parseUrlFetch(CommandParser p) throws ImapException {
    List<Command.UrlFetchItem> items = new ArrayList<>();
    do {
      p.sp();
      if (p.peek() != '(') {
        items.add(new Command.UrlFetchItem(p.astring(), false, true, false, false));
      } else {
        p.expect('(');
        String url = p.astring();
        boolean body = false;
        boolean binary = false;
        boolean structure = false;
        boolean any = false;
        while (p.peek() == ' ') {
          p.sp();
          String param = p.atom().toUpperCase(Locale.ROOT);
          any = true;
          switch (param) {
            case "BODY" -> body = true;
            case "BINARY" -> binary = true;
            case "BODYPARTSTRUCTURE" -> structure = true;
            default -> throw ImapException.bad("Unknown URLFETCH parameter " + CommandParser.printable(param));
          }
        }
        p.expect(')');
        if (body && binary) {
          throw ImapException.bad("BODY and BINARY exclude each other");
        }
        items.add(new Command.UrlFetchItem(url, true, body || !any, binary, structure));
      }
      if (items.size() > MAX_URLS) {
        throw ImapException.bad("Too many URLs in one command");
      }
    } while (p.peek() == ' ');
    return new Command.UrlFetch(items);
  }

  // ---- commands -----------------------------------------------------------------------------------

  String resetKey(Command.ResetKey c) throws ImapException {
    for (String m : c.mechanisms()) {
      if (!m.equals(UrlAuthority.MECHANISM)) {
        throw ImapException.bad("Unknown URLAUTH mechanism " + CommandParser.printable(m));
      }
    }
    if (c.mailbox() == null) {
      authority().resetAll(s.account);
      return "All keys removed";
    }
    String name = s.mailboxName(c.mailbox());
    MailboxInfo box = s.account.mailbox(name)
        .orElseThrow(() -> ImapException.no("NONEXISTENT", "No such mailbox of yours: " + name));
    authority().reset(s.account, box);
    return "[" + URLMECH + "] Key reset; earlier URLs of the mailbox no longer work";
  }

  String genUrlAuth(Command.GenUrlAuth c) throws ImapException, IOException {
    StringBuilder b = new StringBuilder("GENURLAUTH");
    for (int i = 0; i < c.urls().size(); i++) {
      b.append(' ').append(ResponseWriter.quote(authority().generate(s.account, c.urls().get(i), c.mechanisms().get(i))));
    }
    s.w.untagged(b.toString());
    return "GENURLAUTH completed";
  }

  String urlFetch(Command.UrlFetch c) throws IOException {
    UrlAuthority.Requester me = new UrlAuthority.Requester(s.account.user(), false);
    for (Command.UrlFetchItem item : c.urls()) {
      String url = ResponseWriter.quote(item.url());
      byte[] response;
      try (UrlAuthority.Opened o = authority().open(item.url(), me, s.account)) {
        response = item.extended() ? extended(url, item, o) : simple(url, o.bytes());
      } catch (UrlAuthority.Failure f) {
        s.w.untagged("URLFETCH " + url + " NIL");
        s.w.untagged("NO [BADURL " + url + "] " + f.getMessage());
        continue;
      }
      s.w.raw(response);
    }
    return "URLFETCH completed";
  }

  private static byte[] simple(String url, byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ascii(o, "* URLFETCH " + url + " ");
    ResponseWriter.literal(o, data, 0, data.length);
    ascii(o, "\r\n");
    return o.toByteArray();
  }

  /**
   * RFC 5524 §3.2 and §5: {@code * URLFETCH url (BODYPARTSTRUCTURE (...)) (BINARY ~{n}...)}, each item
   * in its own parentheses, as the grammar ({@code url-metadata}) and every example of §4 have it. BINARY
   * is {@code NIL} when the part's transfer encoding is unknown, beside the structure as stored (§4's
   * last example). Dovecot 2.3 sends the items in one list (imaptest's script of that era expects it;
   * imaptest's commit 831af47 changed the script to this form).
   */
  private static byte[] extended(String url, Command.UrlFetchItem item, UrlAuthority.Opened o)
      throws IOException, UrlAuthority.Failure {
    ByteArrayOutputStream o2 = new ByteArrayOutputStream();
    ascii(o2, "* URLFETCH " + url);
    byte[] binary = item.binary() ? o.binary() : null;
    if (item.structure()) {
      ascii(o2, " (BODYPARTSTRUCTURE ");
      o2.writeBytes(o.bodyPartStructure(binary != null));
      ascii(o2, ")");
    }
    if (item.binary()) {
      ascii(o2, " (BINARY ");
      if (binary == null) {
        ascii(o2, "NIL");
      } else {
        if (BinaryDecoder.hasNul(binary, 0, binary.length)) {
          ascii(o2, "~"); // literal8, RFC 3516 §4.3
        }
        ResponseWriter.literal(o2, binary, 0, binary.length);
      }
      ascii(o2, ")");
    } else if (item.body()) {
      byte[] data = o.bytes();
      ascii(o2, " (BODY ");
      ResponseWriter.literal(o2, data, 0, data.length);
      ascii(o2, ")");
    }
    ascii(o2, "\r\n");
    return o2.toByteArray();
  }
}
