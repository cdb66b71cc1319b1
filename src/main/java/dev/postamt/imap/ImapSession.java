package dev.postamt.imap;

import dev.postamt.imap.Command.Tagged;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection, from greeting to BYE, on its own (virtual) thread: read a command, check the
 * state table ({@link Verb}), run it, report changes of the selected mailbox, answer with the tag.
 * Connection-level commands live here; mailbox and message commands in {@link MailboxCommands} and
 * {@link MessageCommands}.
 */
public final class ImapSession {
  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

  /** Extensions advertised in every state (each one implemented and tested). */
  static final List<String> EXTENSIONS =
      List.of("IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT",
          "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "ESEARCH", "CONDSTORE",
          "STATUS=SIZE", "LIST-EXTENDED", "LIST-STATUS");

  final ImapTransport transport;
  final ImapSettings settings;
  final MailStore store;
  final Authenticator authenticator;
  ResponseWriter w;
  CommandReader reader;
  State state = State.NOT_AUTHENTICATED;
  Account account;
  SelectedMailbox selected;
  /** RFC 7162 §3.1: once a CONDSTORE-enabling command was seen, FETCH responses carry MODSEQ. */
  boolean condstore;
  private int badCount;
  private int authFailures;
  private final MailboxCommands mailboxes = new MailboxCommands(this);
  private final MessageCommands messages = new MessageCommands(this);
  private final ListCommand lists = new ListCommand(this, mailboxes);

  public ImapSession(ImapTransport transport, ImapSettings settings, MailStore store, Authenticator auth) {
    this.transport = transport;
    this.settings = settings;
    this.store = store;
    this.authenticator = auth;
    attachStreams();
  }

  private void attachStreams() {
    w = new ResponseWriter(transport.out());
    reader = new CommandReader(transport.in(), settings.maxLine(), settings.maxLiteral());
  }

  /** Runs the conversation until LOGOUT, end of stream, time-out or a fatal error. */
  public void run() {
    try {
      transport.setReadTimeout(settings.loginTimeout());
      w.untagged("OK [CAPABILITY " + capabilities() + "] " + settings.hostname() + " Postamt IMAP ready");
      w.flush();
      while (state != State.LOGOUT) {
        byte[] cmd;
        try {
          cmd = reader.read(() -> w.continuation("Ready for literal data"));
        } catch (CommandReader.TooLongException e) {
          if (e.fatal) {
            w.untagged("BYE " + e.getMessage());
            w.flush();
            return;
          }
          if (e.tag != null) {
            w.tagged(e.tag, "NO [TOOBIG] " + e.getMessage()); // RFC 9051 §7.1 TOOBIG
          } else {
            bad("*", e.getMessage());
          }
          continue;
        }
        if (cmd == null) {
          return;
        }
        handle(cmd);
      }
    } catch (SocketTimeoutException e) {
      try {
        w.untagged("BYE Autologout; idle for too long");
        w.flush();
      } catch (IOException ignored) {
        // peer gone
      }
    } catch (IOException e) {
      log.debug("imap connection from {} ended: {}", transport.remote(), e.toString());
    } catch (TooManyErrors e) {
      // BYE already written
    } finally {
      if (account != null) {
        account.close();
        account = null;
      }
    }
  }

  private static final class TooManyErrors extends Exception {}

  private void bad(String tag, String text) throws IOException, TooManyErrors {
    w.tagged(tag, "BAD " + text);
    if (++badCount >= settings.maxBadCommands()) {
      w.untagged("BYE Too many invalid commands");
      w.flush();
      throw new TooManyErrors();
    }
  }

  void handle(byte[] line) throws IOException, TooManyErrors {
    CommandParser p = new CommandParser(line);
    Tagged t;
    try {
      t = p.parse();
    } catch (ImapException e) {
      bad(p.tag(), e.getMessage());
      return;
    }
    if (!t.verb().allowedIn(state)) {
      bad(t.tag(), t.verb() + " not allowed " + switch (state) {
        case NOT_AUTHENTICATED -> "before login";
        case AUTHENTICATED -> "without a selected mailbox";
        default -> "now";
      });
      return;
    }
    try {
      String ok = execute(t);
      if (ok == null) {
        return; // the command answered itself (STARTTLS, IDLE)
      }
      syncSelected(t);
      w.tagged(t.tag(), "OK " + ok);
    } catch (ImapException e) {
      syncQuietly(t);
      if (e.status() == ImapException.Status.BAD) {
        bad(t.tag(), e.getMessage());
      } else {
        w.tagged(t.tag(), e.reply());
      }
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.SERVERBUG) {
        log.warn("imap {} for {}: {}", t.verb(), account == null ? "?" : account.user(), e.getMessage(), e);
      }
      String code = switch (e.kind()) {
        case NONEXISTENT -> "NONEXISTENT";
        case ALREADYEXISTS -> "ALREADYEXISTS";
        case CANNOT -> "CANNOT";
        case OVERQUOTA -> "OVERQUOTA";
        case SERVERBUG -> "SERVERBUG";
      };
      w.tagged(t.tag(), "NO [" + code + "] " + (e.kind() == StoreException.Kind.SERVERBUG ? "Internal error" : e.getMessage()));
    } catch (RuntimeException e) {
      // A bug must cost one command, not the connection; the client sees no details.
      log.error("imap {} failed: {}", t.verb(), e.toString(), e);
      w.tagged(t.tag(), "NO [SERVERBUG] Internal error");
    }
  }

  /** Untagged updates are allowed after most commands; EXPUNGE never during FETCH/STORE/SEARCH/COPY. */
  private void syncSelected(Tagged t) throws IOException {
    if (selected == null || state == State.LOGOUT) { // nothing follows BYE but the tagged OK
      return;
    }
    boolean uid = switch (t.command()) {
      case Command.Fetch f -> f.uid();
      case Command.Store s -> s.uid();
      case Command.Search s -> s.uid();
      case Command.Copy c -> c.uid();
      default -> true;
    };
    boolean seqCommand = switch (t.verb()) {
      case FETCH, STORE, SEARCH, COPY, MOVE -> !uid;
      default -> false;
    };
    selected.sync(w, !seqCommand, false);
    selected.reportKeywords(w);
  }

  private void syncQuietly(Tagged t) {
    try {
      syncSelected(t);
    } catch (IOException | RuntimeException e) {
      // the command's own reply matters more
    }
  }

  String capabilities() {
    List<String> caps = new ArrayList<>(EXTENSIONS);
    caps.add("APPENDLIMIT=" + settings.maxLiteral()); // RFC 7889
    if (state == State.NOT_AUTHENTICATED) {
      if (!transport.isTls() && transport.canStartTls()) {
        caps.add("STARTTLS");
      }
      if (loginAllowed()) {
        caps.add("AUTH=PLAIN");
      } else {
        caps.add("LOGINDISABLED");
      }
    }
    return String.join(" ", caps);
  }

  private boolean loginAllowed() {
    return transport.isTls() || settings.plaintextAuth() || (settings.loopbackIsSecure() && transport.isLoopback());
  }

  private String execute(Tagged t) throws ImapException, IOException {
    return switch (t.command()) {
      case Command.Capability c -> {
        w.untagged("CAPABILITY " + capabilities());
        yield "Capability completed";
      }
      case Command.Noop n -> "NOOP completed";
      case Command.Check c -> "CHECK completed";
      case Command.Logout l -> {
        w.untagged("BYE Logging out");
        state = State.LOGOUT;
        yield "Logout completed";
      }
      case Command.Id id -> {
        w.untagged("ID (\"name\" \"Postamt\" \"vendor\" \"postamt.dev\")");
        yield "ID completed";
      }
      case Command.Namespace n -> {
        w.untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
        yield "Namespace completed";
      }
      case Command.Enable e -> {
        // RFC 5161: unknown capabilities are ignored; only CONDSTORE can be enabled so far.
        boolean cs = e.capabilities().stream().anyMatch(x -> x.equalsIgnoreCase("CONDSTORE"));
        if (cs) {
          enableCondstore();
        }
        w.untagged("ENABLED" + (cs ? " CONDSTORE" : ""));
        yield "Enabled";
      }
      case Command.StartTls s -> {
        startTls(t.tag());
        yield null;
      }
      case Command.Login l -> login(l.user(), l.password());
      case Command.Authenticate a -> authenticate(a);
      case Command.Idle i -> {
        idle(t.tag());
        yield null;
      }
      case Command.Select s -> mailboxes.select(s);
      case Command.Create c -> mailboxes.create(c);
      case Command.Delete d -> mailboxes.delete(d);
      case Command.Rename r -> mailboxes.rename(r);
      case Command.Subscribe s -> mailboxes.subscribe(s);
      case Command.ListMailboxes l -> lists.list(l);
      case Command.Status s -> mailboxes.status(s);
      case Command.Append a -> mailboxes.append(a);
      case Command.Close c -> messages.close(true);
      case Command.Unselect u -> messages.close(false);
      case Command.Expunge e -> messages.expunge(e);
      case Command.Search s -> messages.search(s, t.tag());
      case Command.Fetch f -> messages.fetch(f);
      case Command.Store s -> messages.store(s);
      case Command.Copy c -> messages.copy(c);
    };
  }

  // ---- connection and authentication ---------------------------------------------------------------

  private void startTls(String tag) throws ImapException, IOException {
    if (transport.isTls() || !transport.canStartTls()) {
      throw ImapException.bad("TLS is already active or not available");
    }
    w.tagged(tag, "OK Begin TLS negotiation now");
    transport.startTls();
    attachStreams();
  }

  private String login(String user, String password) throws ImapException, IOException {
    if (!loginAllowed()) {
      throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS first");
    }
    return loggedIn(user, password.toCharArray());
  }

  private String authenticate(Command.Authenticate a) throws ImapException, IOException {
    if (!a.mechanism().equals("PLAIN")) {
      throw ImapException.no("CANNOT", "Unsupported authentication mechanism");
    }
    if (!loginAllowed()) {
      throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS first");
    }
    String response;
    if (a.initialResponse().isPresent()) {
      response = a.initialResponse().get();
    } else {
      w.continuation("");
      byte[] line = reader.readLine();
      if (line == null) {
        throw new IOException("connection closed during AUTHENTICATE");
      }
      response = new String(line, StandardCharsets.US_ASCII).strip();
    }
    if (response.equals("*")) {
      throw ImapException.bad("Authentication aborted");
    }
    byte[] decoded;
    try {
      decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
    } catch (IllegalArgumentException e) {
      throw ImapException.bad("Invalid base64");
    }
    // RFC 4616: [authzid] NUL authcid NUL passwd
    String s = new String(decoded, StandardCharsets.UTF_8);
    String[] parts = s.split("\0", -1);
    if (parts.length != 3) {
      throw ImapException.bad("Invalid PLAIN response");
    }
    String authzid = parts[0];
    String user = parts[1];
    if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(user)) {
      throw ImapException.no("AUTHORIZATIONFAILED", "Authorization identity not allowed");
    }
    return loggedIn(user, parts[2].toCharArray());
  }

  private String loggedIn(String user, char[] password) throws ImapException {
    Optional<String> who;
    try {
      who = authenticator.authenticate(user, password);
    } catch (Exception e) {
      log.warn("imap authentication backend failed: {}", e.toString());
      throw ImapException.no("UNAVAILABLE", "Authentication temporarily unavailable");
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
    if (who.isEmpty()) {
      try {
        Thread.sleep(settings.authFailureDelay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (++authFailures >= settings.maxAuthFailures()) {
        state = State.LOGOUT; // the tagged NO is the last word; the loop then ends the connection
        log.info("imap: {} failed logins from {}, closing", authFailures, transport.remote());
      }
      throw ImapException.no("AUTHENTICATIONFAILED", "Authentication failed");
    }
    account = store.open(who.get());
    state = State.AUTHENTICATED;
    transport.setReadTimeout(settings.idleTimeout());
    return "[CAPABILITY " + capabilities() + "] Logged in";
  }

  // ---- IDLE (RFC 2177) ------------------------------------------------------------------------------

  private void idle(String tag) throws IOException, ImapException {
    w.continuation("idling");
    // No thread waits for changes: IdleWatch runs the notifier when there is something to report.
    byte[] line;
    try (IdleWatch.Registration watch = IdleWatch.register(account, selected, () -> {
      if (selected != null) {
        selected.sync(w, true, false);
        selected.reportKeywords(w);
        w.flush();
      }
    })) {
      line = reader.readLine();
    }
    if (line == null) {
      throw new IOException("connection closed during IDLE");
    }
    if (!new String(line, StandardCharsets.US_ASCII).equalsIgnoreCase("DONE")) {
      throw ImapException.bad("Expected DONE");
    }
    if (selected != null) {
      selected.sync(w, true, false);
    }
    w.tagged(tag, "OK IDLE terminated");
  }

  // ---- helpers for the command groups ----------------------------------------------------------------

  /** RFC 7162 §3.1: turning CONDSTORE on with a mailbox selected reports its HIGHESTMODSEQ. */
  void enableCondstore() throws IOException {
    if (!condstore && selected != null) {
      w.untagged("OK [HIGHESTMODSEQ " + selected.highestModseq() + "] Highest");
    }
    condstore = true;
    if (selected != null) {
      selected.condstore = true;
    }
  }

  /** The Unicode mailbox name for a wire name (modified UTF-7 for IMAP4rev1 clients, RFC 3501 §5.1.3). */
  String mailboxName(String wire) throws ImapException {
    String n = ModifiedUtf7.decode(wire);
    if (n == null) {
      throw ImapException.no("CANNOT", "Invalid mailbox name (not modified UTF-7)");
    }
    return Account.normalize(n);
  }

  /** The wire form of a mailbox name, quoted. */
  String wireName(String name) {
    return ResponseWriter.quote(ModifiedUtf7.encode(name));
  }
}
