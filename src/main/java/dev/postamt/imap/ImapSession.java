package dev.postamt.imap;

import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.LoginCheck;
import dev.postamt.directory.ScramServer;
import dev.postamt.imap.Command.Tagged;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.LoginLog;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxNames;
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
      List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT",
          "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "ESEARCH", "CONDSTORE",
          "QRESYNC", "SEARCHRES", "STATUS=SIZE", "LIST-EXTENDED", "LIST-STATUS", "BINARY",
          ObjectIds.CAPABILITY, Preview.CAPABILITY, "SAVEDATE", "WITHIN", EnableCommand.UTF8_ACCEPT,
          UidOnly.CAPABILITY);

  final ImapTransport transport;
  final ImapSettings settings;
  final MailStore store;
  final LoginCheck logins;
  ResponseWriter w;
  CommandReader reader;
  State state = State.NOT_AUTHENTICATED;
  Account account;
  /** Learns from moves into and out of Junk; null when the server does not (spam.learn_from_junk off). */
  JunkLearning junkLearning;
  SelectedMailbox selected;
  /** The tag of the command running, for INPROGRESS (RFC 9585); how often a long search reports. */
  String runningTag;
  java.time.Duration progressInterval = java.time.Duration.ofSeconds(2);
  /** The NOTIFY (RFC 5465) in force, or null when the client never sent one. */
  NotifyWatch notify;
  /** RFC 7162 §3.1: once a CONDSTORE-enabling command was seen, FETCH responses carry MODSEQ. */
  boolean condstore;
  /** RFC 7162 §3.2.3: after ENABLE QRESYNC, expunges are reported as VANISHED for the connection. */
  boolean qresync;
  /** RFC 9586: after ENABLE UIDONLY no message sequence numbers either way ({@link UidOnly}). */
  boolean uidOnly;
  /**
   * After {@code ENABLE IMAP4rev2} (RFC 9051 Appendix A): rev2 semantics for this connection — no
   * \Recent or RECENT, SEARCH answered as ESEARCH, UID in unsolicited FETCH, LIST on SELECT, and
   * mailbox names in UTF-8 instead of modified UTF-7.
   */
  boolean rev2;
  /** After {@code ENABLE UTF8=ACCEPT} (RFC 6855 §3): UTF-8 in quoted strings and mailbox names, APPEND UTF8. */
  boolean utf8Accept;
  private int badCount;
  private int authFailures;
  private final AuthThrottle throttle;
  /** The protocol name in login log lines. */
  private static final String PROTO = "imap";
  /** LOGIN or the AUTHENTICATE mechanism of the login under way, for the login log. */
  private String authMethod = "LOGIN";
  private final MailboxCommands mailboxes = new MailboxCommands(this);
  private final MessageCommands messages = new MessageCommands(this);
  private final ListCommand lists = new ListCommand(this, mailboxes);
  private final QuotaCommands quotas = new QuotaCommands(this);
  private final SortCommands sorts = new SortCommands(this);
  private final CompressCommand compression = new CompressCommand(this);
  private final AppendCommands appends = new AppendCommands(this);
  private final MetadataCommands metadata = new MetadataCommands(this);
  private final AclCommands acl = new AclCommands(this);
  private final UrlAuthCommands urlAuth = new UrlAuthCommands(this);
  private final IdleCommand idle = new IdleCommand(this);
  /** Namespaces and other users' mailboxes (RFC 2342, RFC 4314); set at login. */
  SharedMailboxes shared;

  public ImapSession(ImapTransport transport, ImapSettings settings, MailStore store, LoginCheck logins) {
    this(transport, settings, store, logins, null);
  }

  /** @param throttle failed logins per client address across sessions and protocols; may be null */
  public ImapSession(
      ImapTransport transport, ImapSettings settings, MailStore store, LoginCheck logins, AuthThrottle throttle) {
    this.transport = transport;
    this.settings = settings;
    this.store = store;
    this.logins = logins;
    this.throttle = throttle;
    attachStreams();
  }

  private void attachStreams() {
    w = new ResponseWriter(transport.out());
    reader = new CommandReader(transport.in(), settings.maxLine(), settings.maxLiteral(), spillDir(store));
  }

  /** Large APPEND literals go to {@code data_dir/tmp} (on the store's file system, not the heap). */
  static java.nio.file.Path spillDir(MailStore store) {
    return store == null ? null : store.dataDir().resolve("tmp");
  }

  /** Runs the conversation until LOGOUT, end of stream, time-out or a fatal error. */
  public void run() {
    try {
      transport.setReadTimeout(settings.loginTimeout());
      w.untagged("OK [CAPABILITY " + capabilities() + "] " + settings.hostname() + " Postamt IMAP ready");
      w.flush();
      while (state != State.LOGOUT) {
        if (idle.waiting()) {
          idle.awaitDone(); // from here, not from handle: see IdleCommand
          continue;
        }
        CommandBytes cmd;
        transport.holdGoodbye(false); // the last literal, if any, has been answered
        try {
          NotifyWatch.awaitingClient(notify); // NOTIFY: news go out as they happen until the client speaks
          cmd = reader.read(() -> {
            transport.holdGoodbye(true); // a shutdown lets the literal (APPEND) finish
            NotifyWatch.exclusive(notify, () -> w.continuation("Ready for literal data"));
          });
          NotifyWatch.clientSpoke(notify);
        } catch (CommandReader.TooLongException e) {
          NotifyWatch.clientSpoke(notify);
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
        try (cmd) {
          handle(cmd);
        }
      }
    } catch (SocketTimeoutException e) {
      try {
        NotifyWatch.clientSpoke(notify);
        w.untagged(e instanceof dev.postamt.net.LineDeadlineException
            ? "BYE Command not received in time" : "BYE Autologout; idle for too long");
        w.flush();
      } catch (IOException ignored) {
        // peer gone
      }
    } catch (IOException e) {
      log.debug("imap connection from {} ended: {}", transport.remote(), e.toString());
    } catch (TooManyErrors e) {
      // BYE already written
    } finally {
      if (notify != null) {
        notify.close();
        notify = null;
      }
      if (shared != null) {
        shared.close(); // gives back the other users' accounts
      }
      if (account != null) {
        account.close();
        account = null;
      }
    }
  }

  static final class TooManyErrors extends Exception {}

  void bad(String tag, String text) throws IOException, TooManyErrors {
    w.tagged(tag, "BAD " + text);
    if (++badCount >= settings.maxBadCommands()) {
      w.untagged("BYE Too many invalid commands");
      w.flush();
      throw new TooManyErrors();
    }
  }

  void handle(CommandBytes line) throws IOException, TooManyErrors {
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
    runningTag = t.tag();
    try {
      if (uidOnly) {
        UidOnly.check(t.command());
      }
      String ok = execute(t);
      if (ok == null) {
        return; // the command answered itself (STARTTLS, IDLE)
      }
      syncSelected(t);
      w.tagged(t.tag(), "OK " + ok);
    } catch (ImapException e) {
      syncQuietly(t);
      if (e.status() == ImapException.Status.BAD) {
        bad(t.tag(), (e.code() == null ? "" : "[" + e.code() + "] ") + e.getMessage());
      } else {
        w.tagged(t.tag(), e.reply());
      }
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.SERVERBUG) {
        log.warn("imap {} for {}: {}", t.verb(), account == null ? "?" : account.user(), e.getMessage(), e);
      } else if (e.kind() == StoreException.Kind.NOSPACE) {
        log.warn("imap {} for {}: disk full: {}", t.verb(), account == null ? "?" : account.user(), e.getCause());
      }
      String code = switch (e.kind()) {
        case NONEXISTENT -> "NONEXISTENT";
        case ALREADYEXISTS -> "ALREADYEXISTS";
        case CANNOT -> "CANNOT";
        case LIMIT -> "LIMIT";
        case OVERQUOTA, NOSPACE -> "OVERQUOTA"; // a full disk as Dovecot says it: NO [OVERQUOTA] Not enough disk space
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
  void syncSelected(Tagged t) throws IOException {
    if (state == State.LOGOUT) { // nothing follows BYE but the tagged OK
      return;
    }
    if (selected == null) {
      if (notify != null) {
        notify.reportAtCommandEnd(false);
      }
      return;
    }
    boolean uid = switch (t.command()) {
      case Command.Fetch f -> f.uid();
      case Command.Store s -> s.uid();
      case Command.Search s -> s.uid();
      case Command.Copy c -> c.uid();
      case Command.Sort c -> c.uid();
      case Command.Thread c -> c.uid();
      default -> true;
    };
    boolean seqCommand = switch (t.verb()) {
      case FETCH, STORE, SEARCH, COPY, MOVE, SORT, THREAD -> !uid;
      default -> false;
    };
    // RFC 7162 §3.2.10.2: nor during a UID SEARCH whose criteria contain message numbers.
    if (t.command() instanceof Command.Search s && s.uid() && usesSequenceNumbers(s.key())) {
      seqCommand = true;
    }
    if (t.command() instanceof Command.Sort s && s.uid() && usesSequenceNumbers(s.key())
        || t.command() instanceof Command.Thread th && th.uid() && usesSequenceNumbers(th.key())) {
      seqCommand = true;
    }
    if (notify != null) {
      notify.afterCommand(t.verb(), !seqCommand);
    } else {
      selected.sync(w, !seqCommand, qresync);
      selected.reportKeywords(w);
    }
    long held = condstore ? selected.highestModseqBeforeHeldExpunges() : -1;
    if (held >= 0) {
      w.untagged("OK [HIGHESTMODSEQ " + held + "] Expunges are held back until a command allows them");
    }
  }

  static boolean usesSequenceNumbers(SearchKey k) {
    return switch (k) {
      case SearchKey.Sequence q -> !q.uid() && !q.set().saved();
      case SearchKey.And a -> a.keys().stream().anyMatch(ImapSession::usesSequenceNumbers);
      case SearchKey.Or o -> usesSequenceNumbers(o.a()) || usesSequenceNumbers(o.b());
      case SearchKey.Not n -> usesSequenceNumbers(n.key());
      default -> false;
    };
  }

  void syncQuietly(Tagged t) {
    try {
      syncSelected(t);
    } catch (IOException | RuntimeException e) {
      // the command's own reply matters more
    }
  }

  String capabilities() {
    List<String> caps = new ArrayList<>(EXTENSIONS);
    caps.addAll(QuotaCommands.CAPABILITIES);
    caps.add("APPENDLIMIT=" + settings.maxLiteral()); // RFC 7889
    caps.addAll(SortCommands.CAPABILITIES);
    caps.addAll(SearchContexts.CAPABILITIES);
    caps.addAll(AppendCommands.CAPABILITIES);
    caps.addAll(MetadataCommands.CAPABILITIES);
    caps.add(NotifyWatch.CAPABILITY);
    caps.add(PartialRange.CAPABILITY);
    caps.add(Progress.CAPABILITY);
    caps.addAll(AclCommands.CAPABILITIES);
    caps.addAll(UrlAuthCommands.CAPABILITIES);
    if (state != State.NOT_AUTHENTICATED && transport.canCompress()) {
      caps.add(CompressCommand.CAPABILITY); // as Dovecot, once logged in (the command needs it)
    }
    if (state == State.NOT_AUTHENTICATED) {
      if (!transport.isTls() && transport.canStartTls()) {
        caps.add("STARTTLS");
      }
      if (loginAllowed()) {
        caps.add("AUTH=SCRAM-SHA-256");
        caps.add("AUTH=PLAIN");
        caps.add("AUTH=LOGIN"); // older clients (draft-murchison-sasl-login), under the same rule as PLAIN
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
        w.untagged(SharedMailboxes.NAMESPACE_RESPONSE); // RFC 2342 §5: personal, other users, shared
        yield "Namespace completed";
      }
      case Command.Enable e -> EnableCommand.run(this, e);
      case Command.StartTls s -> {
        startTls(t.tag());
        yield null;
      }
      case Command.Login l -> login(l.user(), l.password());
      case Command.Authenticate a -> authenticate(a);
      case Command.Idle i -> {
        idle.begin(t); // the wait for DONE follows in the command loop
        yield null;
      }
      case Command.Select s -> mailboxes.select(s);
      case Command.Create c -> mailboxes.create(c);
      case Command.Delete d -> mailboxes.delete(d);
      case Command.Rename r -> mailboxes.rename(r);
      case Command.Subscribe s -> mailboxes.subscribe(s);
      case Command.ListMailboxes l -> lists.list(l);
      case Command.Status s -> mailboxes.status(s);
      case Command.Append a -> appends.append(a);
      case Command.Replace r -> appends.replace(r);
      case Command.GetMetadata g -> metadata.get(g);
      case Command.SetMetadata m -> metadata.set(m);
      case Command.Notify n -> NotifyWatch.set(this, n.spec());
      case Command.SetAcl a -> acl.setAcl(a);
      case Command.DeleteAcl a -> acl.deleteAcl(a);
      case Command.GetAcl a -> acl.getAcl(a);
      case Command.ListRights a -> acl.listRights(a);
      case Command.MyRights a -> acl.myRights(a);
      case Command.Close c -> messages.close(true);
      case Command.Unselect u -> messages.close(false);
      case Command.Expunge e -> messages.expunge(e);
      case Command.Search s -> messages.search(s, t.tag());
      case Command.Fetch f -> messages.fetch(f);
      case Command.Store s -> messages.store(s);
      case Command.Copy c -> messages.copy(c);
      case Command.GetQuota q -> quotas.getQuota(q);
      case Command.GetQuotaRoot q -> quotas.getQuotaRoot(q);
      case Command.SetQuota q -> quotas.setQuota(q);
      case Command.Sort c -> sorts.sort(c, t.tag());
      case Command.Thread c -> sorts.thread(c);
      case Command.ResetKey r -> urlAuth.resetKey(r);
      case Command.GenUrlAuth g -> urlAuth.genUrlAuth(g);
      case Command.UrlFetch f -> urlAuth.urlFetch(f);
      case Command.CancelUpdate c -> selected.contexts().cancel(c);
      case Command.Compress c -> {
        compression.run(t.tag(), c);
        yield null;
      }
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
    authMethod = "LOGIN";
    checkThrottle();
    return loggedIn(user, password.toCharArray());
  }

  private String authenticate(Command.Authenticate a) throws ImapException, IOException {
    boolean scram = a.mechanism().equals("SCRAM-SHA-256");
    if (!scram && !a.mechanism().equals("PLAIN") && !a.mechanism().equals("LOGIN")) {
      throw ImapException.no("CANNOT", "Unsupported authentication mechanism");
    }
    if (!loginAllowed()) {
      throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS first");
    }
    authMethod = a.mechanism();
    checkThrottle();
    String initial = a.initialResponse().isPresent() ? saslDecode(a.initialResponse().get()) : null;
    if (scram) {
      return scram(initial);
    }
    if (a.mechanism().equals("LOGIN")) { // an initial response, where a client sends one, is the user name
      String user = initial != null ? initial : saslChallenge("Username:");
      return loggedIn(user, saslChallenge("Password:").toCharArray());
    }
    // RFC 4616: [authzid] NUL authcid NUL passwd
    String[] parts = (initial != null ? initial : saslChallenge("")).split("\0", -1);
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

  /** SCRAM-SHA-256 (RFC 7677); the server signature goes in a last {@code +} that the client answers empty. */
  private String scram(String initial) throws ImapException, IOException {
    ScramServer scram = new ScramServer(logins);
    String user;
    try {
      user = scram.exchange(initial, this::saslChallenge);
    } catch (ScramServer.ScramException e) {
      log.info("imap: SCRAM-SHA-256 from {} failed: {}", transport.remote(), e.getMessage());
      throw authenticationFailed(scram.claimedUser());
    } catch (DirectoryException e) {
      log.warn("imap authentication backend failed: {}", e.toString());
      throw ImapException.no("UNAVAILABLE", "Authentication temporarily unavailable");
    }
    return enterAuthenticated(user);
  }

  /** RFC 9051 §6.2.2: a {@code +} challenge in base64, answered by one line of base64. */
  private String saslChallenge(String serverMessage) throws ImapException, IOException {
    w.continuation(Base64.getEncoder().encodeToString(serverMessage.getBytes(StandardCharsets.UTF_8)));
    byte[] line = reader.readLine();
    if (line == null) {
      throw new IOException("connection closed during AUTHENTICATE");
    }
    return saslDecode(new String(line, StandardCharsets.US_ASCII).strip());
  }

  /** A client response: {@code *} cancels and bad base64 is BAD (RFC 9051 §6.2.2); {@code =} is empty. */
  private static String saslDecode(String response) throws ImapException {
    if (response.equals("*")) {
      throw ImapException.bad("Authentication aborted");
    }
    try {
      byte[] decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
      return new String(decoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ImapException.bad("Invalid base64");
    }
  }

  private String loggedIn(String user, char[] password) throws ImapException {
    Optional<String> who;
    try {
      who = logins.authenticate(user, password);
    } catch (Exception e) {
      log.warn("imap authentication backend failed: {}", e.toString());
      throw ImapException.no("UNAVAILABLE", "Authentication temporarily unavailable");
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
    if (who.isEmpty()) {
      throw authenticationFailed(user);
    }
    return enterAuthenticated(who.get());
  }

  /**
   * Like Postfix's anvil and Dovecot's auth penalty ({@code limits.auth_failures_per_ip}, shared with
   * SMTP AUTH and POP3): an address that failed too often lately is not even asked for a password; the
   * tagged NO is the last word of the connection.
   */
  private void checkThrottle() throws ImapException {
    java.net.InetAddress client = transport.remoteAddress();
    if (throttle == null || client == null || throttle.allowed(client)) {
      return;
    }
    state = State.LOGOUT;
    LoginLog.failed(PROTO, null, client, authMethod, transport.isTls(), "too many failed logins from this address");
    log.info("imap: login from {} refused: too many failed logins from that address", transport.remote());
    throw ImapException.no("UNAVAILABLE", "Too many failed logins from your address; try again later");
  }

  /**
   * A failed login of any kind for {@code user} (as the client named it; may be null): delayed, counted
   * for the address and the account, and the connection ends at {@code maxAuthFailures}.
   */
  private ImapException authenticationFailed(String user) {
    java.net.InetAddress client = transport.remoteAddress();
    LoginLog.failed(PROTO, user, client, authMethod, transport.isTls(), "bad credentials");
    if (throttle != null) {
      throttle.failed(client, user);
    }
    try {
      Thread.sleep(settings.authFailureDelay());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (++authFailures >= settings.maxAuthFailures()) {
      state = State.LOGOUT; // the tagged NO is the last word; the loop then ends the connection
      log.info("imap: {} failed logins from {}, closing", authFailures, transport.remote());
    }
    return ImapException.no("AUTHENTICATIONFAILED", "Authentication failed");
  }

  private String enterAuthenticated(String user) throws ImapException {
    account = store.open(user);
    shared = new SharedMailboxes(store, user, account);
    LoginLog.ok(PROTO, user, transport.remoteAddress(), authMethod, transport.isTls());
    transport.loggedIn(user);
    state = State.AUTHENTICATED;
    reader.authenticated();
    transport.setReadTimeout(settings.idleTimeout());
    return "[CAPABILITY " + capabilities() + "] Logged in";
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

  /** RFC 9051 Appendix A: IMAP4rev2 from now on; the selected mailbox drops \Recent at once. */
  void enableRev2() {
    rev2 = true;
    if (selected != null) {
      selected.rev2 = true;
    }
  }

  /**
   * The Unicode mailbox name for a wire name: modified UTF-7 for IMAP4rev1 clients (RFC 3501 §5.1.3),
   * UTF-8 as it stands once IMAP4rev2 or UTF8=ACCEPT is enabled (RFC 9051 §5.1, RFC 6855 §3).
   */
  String mailboxName(String wire) throws ImapException {
    if (rev2 || utf8Accept) {
      return MailboxNames.normalize(wire);
    }
    String n = ModifiedUtf7.decode(wire);
    if (n == null) {
      throw ImapException.no("CANNOT", "Invalid mailbox name (not modified UTF-7)");
    }
    return MailboxNames.normalize(n);
  }

  /** The wire form of a mailbox name, quoted (UTF-8 in quotes for IMAP4rev2 and UTF8=ACCEPT, RFC 9051 §9). */
  String wireName(String name) {
    if (rev2 || utf8Accept) {
      return ResponseWriter.quoteUtf8(name);
    }
    return ResponseWriter.quote(ModifiedUtf7.encode(name));
  }
}
